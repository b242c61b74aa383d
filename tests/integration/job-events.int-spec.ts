import { ConsoleLogger, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { RedisModule } from '@switchboard/redis';
import {
  JobEventsPublisher,
  JobEventsReader,
  StreamsModule,
  compareStreamIds,
  jobEventsKey,
  type StoredJobEvent,
} from '@switchboard/streams';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { TEST_REDIS_URL } from '../support/test-services';

// Publisher and reader against real Redis: order, coalescing, cap, expiry, live following.
const prefix = `{t_ev_${randomBytes(5).toString('hex')}}`;
const RETENTION_MS = 60_000;
const config = loadConfig({
  NODE_ENV: 'test',
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: prefix,
  STREAM_RETENTION_MS: String(RETENTION_MS),
  STREAM_MAX_EVENTS: '20',
  STREAM_COALESCE_MS: '20',
});

async function collect(iterable: AsyncIterable<StoredJobEvent>): Promise<StoredJobEvent[]> {
  const out: StoredJobEvent[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

/** Polls a condition (never a duration): followers join the hub once they have caught up. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const textOf = (events: StoredJobEvent[]) =>
  events.map((e) => (e.event.type === 'token' ? e.event.text : '')).join('');

describe('job event streams', () => {
  let app: INestApplicationContext;
  let publisher: JobEventsPublisher;
  let reader: JobEventsReader;
  let redis: Redis;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, RedisModule, StreamsModule],
    })
      .overrideProvider(Config)
      .useValue(config)
      .setLogger(new ConsoleLogger({ logLevels: ['error'] }))
      .compile();
    app = await moduleRef.init();
    app.enableShutdownHooks();
    publisher = app.get(JobEventsPublisher);
    reader = app.get(JobEventsReader);
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await app?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps order, and coalesces many token deltas into a few entries', async () => {
    const jobId = randomUUID();
    const words = Array.from({ length: 500 }, (_, i) => `w${i} `);
    await publisher.publish(jobId, { type: 'status', status: 'active', attempt: 1 });
    for (const w of words.slice(0, 250)) publisher.token(jobId, w);
    await publisher.publish(jobId, { type: 'progress', value: 50 });
    for (const w of words.slice(250)) publisher.token(jobId, w);
    await publisher.publish(jobId, { type: 'result', result: { text: 'ok' }, usage: {} });
    await publisher.end(jobId, 'completed');

    const events = await reader.read(jobId, '0');
    const types = events.map((e) => e.event.type);
    expect(types[0]).toBe('status');
    expect(types.at(-2)).toBe('result');
    expect(types.at(-1)).toBe('end');
    // Tokens before progress stay before it: publish() flushes the buffer first.
    const progressAt = types.indexOf('progress');
    expect(textOf(events.slice(0, progressAt))).toBe(words.slice(0, 250).join(''));
    expect(textOf(events)).toBe(words.join(''));
    expect(types.filter((t) => t === 'token').length).toBeLessThanOrEqual(4);
    const ids = events.map((e) => e.id);
    expect([...ids].sort(compareStreamIds)).toEqual(ids);
  });

  it('writes the first token at once, then one token event per window, not one per delta', async () => {
    const jobId = randomUUID();
    for (let burst = 0; burst < 3; burst += 1) {
      for (let i = 0; i < 50; i += 1) publisher.token(jobId, 'x');
      // The window passes between bursts.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await publisher.flush(jobId);
    const events = await reader.read(jobId, '0');
    // Each burst: its first delta at once (time to first token pays no window), the rest
    // of the burst together when the window ends.
    const burst = [
      { type: 'token', text: 'x' },
      { type: 'token', text: 'x'.repeat(49) },
    ];
    expect(events.map((e) => e.event)).toEqual([...burst, ...burst, ...burst]);
  });

  it('caps the stream (approximately) and sets the retention on end', async () => {
    const jobId = randomUUID();
    const key = jobEventsKey(prefix, jobId);
    for (let i = 0; i < 600; i += 1) {
      await publisher.publish(jobId, { type: 'progress', value: i });
    }
    expect(await redis.pttl(key)).toBe(-1);
    const length = await redis.xlen(key);
    expect(length).toBeGreaterThanOrEqual(20);
    expect(length).toBeLessThan(300);
    await publisher.end(jobId, 'completed');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
    const [last] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    expect(last[1]).toEqual([
      't',
      'end',
      'd',
      JSON.stringify({ type: 'end', status: 'completed' }),
    ]);
  });

  it('reads after an id, exclusively', async () => {
    const jobId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(await publisher.publish(jobId, { type: 'progress', value: i }));
    }
    expect((await reader.read(jobId, ids[1])).map((e) => e.id)).toEqual(ids.slice(2));
    expect((await reader.read(jobId, '0', 2)).map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(await reader.read(jobId, ids[4])).toEqual([]);
    expect(await reader.read(randomUUID(), '0')).toEqual([]);
  });

  it('follows from an id: the backlog, then live events, and stops after end', async () => {
    const jobId = randomUUID();
    const first = await publisher.publish(jobId, { type: 'status', status: 'active' });
    await publisher.publish(jobId, { type: 'progress', value: 1 });
    const following = collect(reader.follow(jobId, first, new AbortController().signal));
    await new Promise((resolve) => setTimeout(resolve, 50));
    publisher.token(jobId, 'hello ');
    publisher.token(jobId, 'world');
    await publisher.publish(jobId, { type: 'result', result: 'hello world', usage: {} });
    await publisher.end(jobId, 'completed');
    const events = await following;
    // The first token is written at once, the next one with the following event.
    expect(events.map((e) => e.event.type)).toEqual([
      'progress',
      'token',
      'token',
      'result',
      'end',
    ]);
    expect(textOf(events)).toBe('hello world');
  });

  it("skips the end of a retried job's earlier run", async () => {
    const jobId = randomUUID();
    await publisher.publish(jobId, { type: 'status', status: 'active', attempt: 1 });
    await publisher.end(jobId, 'failed');
    await publisher.publish(jobId, { type: 'status', status: 'active', attempt: 2 });
    const following = collect(reader.follow(jobId, '0', new AbortController().signal));
    await publisher.end(jobId, 'completed');
    const events = (await following).map((e) => e.event);
    expect(events).toEqual([
      { type: 'status', status: 'active', attempt: 1 },
      { type: 'status', status: 'active', attempt: 2 },
      { type: 'end', status: 'completed' },
    ]);
  });

  it('stops following when the signal aborts', async () => {
    const jobId = randomUUID();
    const abort = new AbortController();
    const seen: StoredJobEvent[] = [];
    const following = (async () => {
      for await (const entry of reader.follow(jobId, '0', abort.signal)) {
        seen.push(entry);
        // Aborted while waiting for the next event, with no `end` in sight.
        setImmediate(() => abort.abort());
      }
    })();
    await until(() => reader.hubStats().followers === 1);
    await publisher.publish(jobId, { type: 'progress', value: 1 });
    await following;
    expect(seen.map((e) => e.event)).toEqual([{ type: 'progress', value: 1 }]);
    expect(reader.hubStats().followers).toBe(0);
  });

  it('serves 1,000 followers of 250 streams through one hub connection', async () => {
    const jobs = Array.from({ length: 250 }, () => randomUUID());
    const followers: Promise<StoredJobEvent[]>[] = [];
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    // Followers join in waves while events are being written, so the hub re-issues its read.
    for (let wave = 0; wave < 4; wave += 1) {
      for (const jobId of jobs) {
        followers.push(collect(reader.follow(jobId, '0', abort.signal)));
        publisher.token(jobId, `${wave}.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(reader.hubStats().connections).toBe(1);
    }
    await until(() => reader.hubStats().followers === 1000);
    expect(reader.hubStats()).toEqual({ streams: 250, followers: 1000, connections: 1 });
    for (const jobId of jobs) {
      for (let i = 0; i < 10; i += 1) publisher.token(jobId, `t${i} `);
      await publisher.publish(jobId, { type: 'result', result: null, usage: {} });
      await publisher.end(jobId, 'completed');
    }
    const results = await Promise.all(followers);
    const expected = `0.1.2.3.${Array.from({ length: 10 }, (_, i) => `t${i} `).join('')}`;
    for (const events of results) {
      expect(textOf(events)).toBe(expected);
      expect(events.at(-1)?.event).toEqual({ type: 'end', status: 'completed' });
      const ids = events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(reader.hubStats()).toMatchObject({ streams: 0, followers: 0 });
    const hubs = String(await redis.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.includes('name=switchboard-events-hub'));
    expect(hubs.length).toBeGreaterThanOrEqual(1);
  });
});
