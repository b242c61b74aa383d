import { ConsoleLogger, Logger, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { RedisModule } from '@switchboard/redis';
import {
  JobEventsPublisher,
  JobEventsReader,
  StreamsModule,
  jobEventsKey,
  type JobEvent,
  type StoredJobEvent,
} from '@switchboard/streams';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '../support/test-services';
import { unreachableRedis } from '../support/unreachable-redis';
import { waitUntil } from '../support/worker-kit';

// The edges of job event streams against real Redis: writes that fail, windows that are
// switched off or overrun, entries this lib did not write, a key Redis cannot read as a
// stream, a follower more than a queue behind, and shutdown with followers attached.
const prefix = `{t_eve_${randomBytes(5).toString('hex')}}`;
const env = (coalesceMs: number) =>
  loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    STREAM_MAX_EVENTS: '10000',
    STREAM_COALESCE_MS: String(coalesceMs),
  });
const config = env(1_000);

async function startApp(): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule, RedisModule, StreamsModule],
  })
    .overrideProvider(Config)
    .useValue(config)
    .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
    .compile();
  return moduleRef.init();
}

async function collect(iterable: AsyncIterable<StoredJobEvent>): Promise<StoredJobEvent[]> {
  const out: StoredJobEvent[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

const eventsOf = (entries: StoredJobEvent[]) => entries.map((e) => e.event);
const progress = (value: number): JobEvent => ({ type: 'progress', value });
const END: JobEvent = { type: 'end', status: 'completed' };

describe('job event streams: failures and edges', () => {
  let app: INestApplicationContext;
  let publisher: JobEventsPublisher;
  let reader: JobEventsReader;
  let redis: Redis;
  let warnings: jest.SpyInstance;

  beforeAll(async () => {
    app = await startApp();
    publisher = app.get(JobEventsPublisher);
    reader = app.get(JobEventsReader);
    redis = new Redis(TEST_REDIS_URL);
  });

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warnings.mockRestore());

  afterAll(async () => {
    await app?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const warned = (pattern: RegExp) =>
    warnings.mock.calls.some(([message]) => pattern.test(String(message)));

  describe('publisher', () => {
    it('writes every token at once when coalescing is off, and no entry for empty text', async () => {
      const direct = new JobEventsPublisher(redis, env(0));
      const jobId = randomUUID();
      for (const text of ['a', '', 'b', 'c']) direct.token(jobId, text);
      // Writes go out in call order on one connection: a later command's reply means they landed.
      await redis.ping();
      expect(eventsOf(await reader.read(jobId, '0'))).toEqual([
        { type: 'token', text: 'a' },
        { type: 'token', text: 'b' },
        { type: 'token', text: 'c' },
      ]);
    });

    it('writes a window that gathered 16 KiB at once instead of waiting for its end', async () => {
      const direct = new JobEventsPublisher(redis, env(1_000));
      const jobId = randomUUID();
      const big = 'y'.repeat(16_384);
      direct.token(jobId, 'x');
      direct.token(jobId, 'y'.repeat(100));
      direct.token(jobId, big.slice(100));
      await redis.ping();
      // Within the one-second window, yet already stored: first token, then the 16 KiB.
      expect(eventsOf(await reader.read(jobId, '0'))).toEqual([
        { type: 'token', text: 'x' },
        { type: 'token', text: big },
      ]);
      await direct.beforeApplicationShutdown();
    });

    it('writes the tokens a window still holds when the process shuts down', async () => {
      const direct = new JobEventsPublisher(redis, env(1_000));
      const [first, second] = [randomUUID(), randomUUID()];
      direct.token(first, 'one ');
      direct.token(first, 'two');
      direct.token(second, 'three ');
      direct.token(second, 'four');
      await direct.beforeApplicationShutdown();
      expect(eventsOf(await reader.read(first, '0'))).toEqual([
        { type: 'token', text: 'one ' },
        { type: 'token', text: 'two' },
      ]);
      expect(eventsOf(await reader.read(second, '0'))).toEqual([
        { type: 'token', text: 'three ' },
        { type: 'token', text: 'four' },
      ]);
      // Nothing is left to write: a second shutdown call writes nothing more.
      await direct.beforeApplicationShutdown();
      expect(await reader.read(first, '0')).toHaveLength(2);
    });

    it('never throws into the job when Redis cannot take the writes, and warns once', async () => {
      const down = await unreachableRedis();
      try {
        const broken = new JobEventsPublisher(down, env(1_000));
        const jobId = randomUUID();
        expect(await broken.publish(jobId, progress(1))).toBe('');
        broken.token(jobId, 'lost ');
        broken.token(jobId, 'too');
        await broken.flush(jobId);
        await broken.end(jobId, 'completed');
        expect(await reader.exists(jobId)).toBe(false);
        // One line for the outage, naming the job and the event, not one per write.
        const lines = warnings.mock.calls.map(([message]) => String(message));
        expect(lines).toEqual([
          expect.stringContaining(`Job ${jobId}: 'progress' event not stored`),
        ]);
      } finally {
        down.disconnect();
      }
    });
  });

  describe('reader', () => {
    it('skips entries this lib did not write, in pages and when following', async () => {
      const jobId = randomUUID();
      const key = jobEventsKey(prefix, jobId);
      await redis.xadd(key, '*', 'note', 'written by hand');
      await redis.xadd(key, '*', 'd', '{broken json');
      expect(await reader.read(jobId, '0')).toEqual([]);
      // A follower starting on foreign entries only moves past them and waits for real ones.
      const following = collect(reader.follow(jobId, '0', new AbortController().signal));
      await waitUntil(async () => reader.hubStats().streams > 0, 'the follower to join');
      await redis.xadd(key, '*', 'note', 'also by hand');
      await publisher.publish(jobId, progress(1));
      await publisher.end(jobId, 'completed');
      expect(eventsOf(await following)).toEqual([progress(1), END]);
      expect((await reader.last(jobId))?.event).toEqual(END);
    });

    it('waits out a stream Redis cannot read while catching up, then delivers it', async () => {
      const jobId = randomUUID();
      const key = jobEventsKey(prefix, jobId);
      await redis.set(key, 'not a stream');
      const following = collect(reader.follow(jobId, '0', new AbortController().signal));
      await waitUntil(async () => warned(/Reading .* failed, retrying: WRONGTYPE/), 'a warning');
      await redis.del(key);
      await publisher.publish(jobId, progress(1));
      await publisher.end(jobId, 'completed');
      expect(eventsOf(await following)).toEqual([progress(1), END]);
    });

    it('ends a follower retrying a broken catch-up when its client leaves', async () => {
      const jobId = randomUUID();
      await redis.set(jobEventsKey(prefix, jobId), 'not a stream');
      const abort = new AbortController();
      const following = collect(reader.follow(jobId, '0', abort.signal));
      // Left while its first read is failing: no retry, no wait for the stream to be fixed.
      abort.abort();
      expect(await following).toEqual([]);
    });

    it("keeps following through a failing hub read, with the stream's later entries", async () => {
      const jobId = randomUUID();
      const key = jobEventsKey(prefix, jobId);
      await publisher.publish(jobId, progress(1));
      const iterator = reader.follow(jobId, '0', new AbortController().signal);
      expect((await iterator.next()).value?.event).toEqual(progress(1));
      const rest = collect({ [Symbol.asyncIterator]: () => iterator });
      await waitUntil(async () => reader.hubStats().streams > 0, 'the follower to join');
      // The followed key stops being a stream: every hub read fails until it is one again.
      await redis.del(key);
      await redis.set(key, 'not a stream');
      await waitUntil(async () => warned(/Event hub read failed .*WRONGTYPE/), 'a hub warning');
      await redis.del(key);
      await publisher.publish(jobId, progress(2));
      await publisher.end(jobId, 'completed');
      expect(eventsOf(await rest)).toEqual([progress(2), END]);
    });

    it('gives a follower more than 1,000 entries behind every event once, in order', async () => {
      const jobId = randomUUID();
      const abort = new AbortController();
      await publisher.publish(jobId, progress(0));
      const slow = reader.follow(jobId, '0', abort.signal);
      const fast = reader.follow(jobId, '0', abort.signal);
      // Each follower joins the hub on its first page; an event after it comes live.
      expect((await slow.next()).value?.event).toEqual(progress(0));
      expect((await fast.next()).value?.event).toEqual(progress(0));
      await publisher.publish(jobId, progress(1));
      expect((await slow.next()).value?.event).toEqual(progress(1));
      expect((await fast.next()).value?.event).toEqual(progress(1));
      // `slow` is not read meanwhile: the hub queues 1,501 entries for it, and drops them.
      const fastRest = collect({ [Symbol.asyncIterator]: () => fast });
      const writes: Promise<string>[] = [];
      for (let value = 2; value <= 1_501; value += 1) {
        writes.push(publisher.publish(jobId, progress(value)));
      }
      await Promise.all(writes);
      await publisher.end(jobId, 'completed');
      const expected = [...Array.from({ length: 1_500 }, (_, i) => progress(i + 2)), END];
      // `fast` got its end from the hub, after the hub had pushed every entry to `slow` too.
      expect(eventsOf(await fastRest)).toEqual(expected);
      const slowRest = await collect({ [Symbol.asyncIterator]: () => slow });
      expect(eventsOf(slowRest)).toEqual(expected);
      const ids = slowRest.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('shutdown', () => {
    it('ends live followers without an error, and those that come after at once', async () => {
      const own = await startApp();
      const ownReader = own.get(JobEventsReader);
      const jobId = randomUUID();
      await publisher.publish(jobId, progress(1));
      const following = collect(ownReader.follow(jobId, '0', new AbortController().signal));
      await waitUntil(async () => ownReader.hubStats().streams === 1, 'the follower to join');
      await own.close();
      expect(eventsOf(await following)).toEqual([progress(1)]);
      expect(ownReader.hubStats()).toEqual({ streams: 0, followers: 0, connections: 0 });
      // A client arriving after shutdown, its connection closed: it ends, with no retries.
      expect(await collect(ownReader.follow(jobId, '0', new AbortController().signal))).toEqual([]);
      expect(warned(/Reading .* failed/)).toBe(false);
      expect(warned(/Event hub read failed/)).toBe(false);
    });
  });
});
