import { Test, type TestingModule } from '@nestjs/testing';
import {
  Actor,
  ACTOR_ROLE,
  ActorsModule,
  JobRunner,
  NonRetryableError,
  ROLE_ACTORS,
  type ActorContext,
  type ActorHandler,
  type ActorMessage,
} from '@switchboard/actors';
import type { JobData, JobResult, Role } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { InvocationDrain, type LlmResponse } from '@switchboard/llm';
import { PersistenceModule, TenantEntity } from '@switchboard/persistence';
import { JobSubmissionService, QueueModule, bullWorkerOptions } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The answer journal through the real JobRunner under BullMQ, with a fake provider whose
// counters are the ground truth: a job that runs again (a retry, a hand-back) replays the
// answers its earlier runs paid for instead of calling the provider again, a first run never
// reads a journal, fields that are not step positions are ignored, and a completed job's
// journal is dropped while a failed one keeps it.

/** What each run of a job got from its LLM calls, by job id. */
const seen = new Map<string, { chat: LlmResponse; streamed: LlmResponse }[]>();
/** A run waits here (after its calls) until the test releases it, by job id. */
const gates = new Map<string, () => void>();

/** The judge makes one chat call and one streamed call, then does what its criteria say. */
@Actor('judge')
class JournalingJudge implements ActorHandler<'judge'> {
  async handle(
    { jobId, input }: ActorMessage<'judge'>,
    ctx: ActorContext,
  ): Promise<JobResult<'judge'>> {
    const runs = seen.get(jobId) ?? [];
    seen.set(jobId, runs);
    const chat = await ctx.llm.chat({ messages: [{ role: 'user', content: 'first question' }] });
    let streamed!: LlmResponse;
    for await (const event of ctx.llm.stream({
      messages: [{ role: 'user', content: 'second question' }],
    })) {
      if (event.type === 'done') streamed = event.response;
    }
    runs.push({ chat, streamed });
    const [behaviour] = input.criteria.split(':');
    if (behaviour === 'gated-once' && runs.length === 1) {
      await new Promise<void>((resolve) => gates.set(jobId, resolve));
    }
    if (behaviour === 'flaky' && runs.length === 1) throw new Error('provider hiccup');
    if (behaviour === 'fatal') throw new NonRetryableError('gave up', 'judge-gave-up');
    return { text: streamed.text, usage: ctx.usage(), model: 'm', provider: 'p', winner: 0 };
  }
}

const actorFor = (role: Role) =>
  ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === role)!;

jest.setTimeout(120_000);

describe('answer journal (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let fake: FakeProviderServer;
  let redis: Redis;
  let runner: JobRunner;
  let tenantId: string;
  let prefix: string;
  const workers: Worker[] = [];

  const journalKey = (jobId: string) => `${prefix}:journal:${jobId}`;
  const submit = async (criteria: string, id = randomUUID()) => {
    await moduleRef.get(JobSubmissionService).submit(
      tenantId,
      {
        role: 'judge',
        tier: 1,
        input: { criteria, candidates: ['a', 'b'] },
        privacy: false,
      } as never,
      { id },
    );
    return id;
  };
  const statusOf = (id: string, status: string) =>
    waitUntil(async () => {
      const [row] = await moduleRef
        .get(DataSource)
        .query<{ status: string }[]>('SELECT status FROM jobs WHERE id = $1', [id]);
      return row?.status === status;
    }, `${id} to be ${status}`);
  /** The provider calls logged for the job, once the ledger is drained. */
  const invocations = async (jobId: string) => {
    await moduleRef.get(InvocationDrain).flush();
    return moduleRef
      .get(DataSource)
      .query<{ call_kind: string; outcome: string }[]>(
        'SELECT call_kind, outcome FROM llm_invocations WHERE job_id = $1 ORDER BY created_at',
        [jobId],
      );
  };

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    const catalogue = join(tmpdir(), `journal-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('f', fake)],
        models: [fakeModel('f', 'f-model', [1])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_INVOCATION_FLUSH_MS: '20',
      LLM_HEALTH_INTERVAL_MS: '600000',
    });
    const config = loadConfig(env.env);
    prefix = config.redis.prefix;
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('answer-journal-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(config)
      .overrideProvider(actorFor('judge'))
      .useClass(JournalingJudge)
      .compile();
    await moduleRef.init();
    tenantId = randomUUID();
    await moduleRef
      .get(DataSource)
      .getRepository(TenantEntity)
      .insert({ id: tenantId, name: `j-${env.id}` });
    redis = new Redis(env.env.REDIS_URL);
    runner = moduleRef.get(JobRunner);
    // As the worker app wires one: the runner, and BullMQ's completions and failures.
    const worker = new Worker<JobData>('agent.judge.t1', (job, token) => runner.run(job, token), {
      ...bullWorkerOptions(config.redis, config.worker, { concurrency: 2 }),
    });
    worker.on('error', () => undefined);
    worker.on('completed', (job) => runner.onWorkerCompleted(job));
    worker.on('failed', (job, error) => {
      if (job) void runner.onWorkerFailed(job, error);
    });
    workers.push(worker);
  });

  beforeEach(() => fake.reset());

  afterAll(async () => {
    for (const release of gates.values()) release();
    await Promise.all(workers.map((w) => w.close(true)));
    redis?.disconnect();
    await moduleRef?.close();
    await fake?.close();
    await env?.cleanup();
  });

  it('replays the answers of a failed run on its retry, without calling the provider again', async () => {
    const id = await submit('flaky');
    await statusOf(id, 'completed');
    const [first, second] = seen.get(id)!;
    expect(second).toEqual(first);
    expect(fake.stats.chatRequests).toBe(2); // the first run's two calls, and no more
    expect(await invocations(id)).toEqual([
      { call_kind: 'chat', outcome: 'ok' },
      { call_kind: 'stream', outcome: 'ok' },
    ]);
    // Completed: BullMQ will not run it again, so its answers go.
    await waitUntil(async () => (await redis.exists(journalKey(id))) === 0, 'the journal to go');
  });

  it('replays them for a job handed back at shutdown, ignoring fields that are not positions', async () => {
    const id = await submit('gated-once');
    await waitUntil(async () => gates.get(id), 'the first run');
    const key = journalKey(id);
    // Both answers were journaled, each with its call's settlement, under a TTL.
    expect(Object.keys(await redis.hgetall(key)).sort()).toEqual(['0', '1']);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(loadConfig(env.env).llm.journalTtlMs);
    // Not positions, though Number() would read '', ' 0' and '0x1' as 0, 0 and 1.
    const junk = ['note', '-1', '1.5', '', ' 0', '0x1', '01', '9'.repeat(20)];
    await redis.hset(key, ...junk.flatMap((field) => [field, `not json (${field})`]));

    runner.active.handBackAll(); // the run is let go; its handler is left waiting
    await statusOf(id, 'completed');
    const runs = seen.get(id)!;
    expect(runs).toHaveLength(2);
    expect(runs[1]).toEqual(runs[0]);
    expect(fake.stats.chatRequests).toBe(2);
  });

  it('reads no journal on a first run', async () => {
    const id = randomUUID();
    // An answer left under this id (say, by a job of an earlier deployment) is not replayed.
    const stale = { text: 'stale', finishReason: 'stop', usage: {}, model: 'x', provider: 'x' };
    await redis.hset(journalKey(id), '0', JSON.stringify(stale), '1', JSON.stringify(stale));
    await submit('once', id);
    await statusOf(id, 'completed');
    const [run] = seen.get(id)!;
    expect(run.chat.text).not.toBe('stale');
    expect(run.chat.provider).toBe('f');
    expect(fake.stats.chatRequests).toBe(2);
  });

  it('keeps the journal of a job that failed for good', async () => {
    const id = await submit('fatal');
    await statusOf(id, 'failed');
    expect(Object.keys(await redis.hgetall(journalKey(id))).sort()).toEqual(['0', '1']);
  });
});
