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
import { BudgetExceededError } from '@switchboard/llm';
import {
  JobEntity,
  JobRecordsRepository,
  PersistenceModule,
  TenantEntity,
} from '@switchboard/persistence';
import {
  JobControlService,
  JobSubmissionService,
  QueueModule,
  bullWorkerOptions,
} from '@switchboard/queue';
import { RedisModule, redisOptionsFromUrl } from '@switchboard/redis';
import { jobEventsKey } from '@switchboard/streams';
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// How runs end when they do not simply complete, through the real JobRunner under BullMQ with
// real Redis and Postgres: a budget deferral, a failure retried, a result that breaks its
// schema, a hand-back at shutdown, a job BullMQ fails for stalling, and cancels accepted while
// a run was letting go of its job. No cancel listener runs here, so an accepted cancel reaches
// the run only through the record, as when its message is late.

/** Released by the test, per job id. */
const gates = new Map<string, () => void>();
/** Runs per job id, counted by the actor. */
const runs = new Map<string, number>();
const HOUR_MS = 3_600_000;

const refusal = (resetsAt: Date | null) =>
  new BudgetExceededError({
    poolId: 'pool-1',
    scope: 'tenant',
    period: resetsAt ? 'daily' : 'lifetime',
    limitMicros: 1_000,
    remainingMicros: 0,
    neededMicros: 50,
    resetsAt,
  });

/** What the judge does is written in its criteria. */
@Actor('judge')
class ScriptedJudge implements ActorHandler<'judge'> {
  async handle(
    { jobId, input }: ActorMessage<'judge'>,
    ctx: ActorContext,
  ): Promise<JobResult<'judge'>> {
    const run = (runs.get(jobId) ?? 0) + 1;
    runs.set(jobId, run);
    const result = { text: 'picked', usage: ctx.usage(), model: 'm', provider: 'p', winner: 0 };
    const [behaviour, arg] = input.criteria.split(':');
    if (behaviour === 'gated' || (behaviour === 'gated-once' && run === 1)) {
      await new Promise<void>((resolve) => gates.set(jobId, resolve));
      if (arg === 'then-refused') throw refusal(new Date(Date.now() + HOUR_MS));
      if (arg === 'then-fail') throw new NonRetryableError('gave up', 'judge-gave-up');
    }
    switch (behaviour) {
      case 'defer':
        throw refusal(arg === 'lifetime' ? null : new Date(Date.now() + HOUR_MS));
      case 'flaky':
        if (run === 1) throw new Error('provider hiccup');
        return result;
      case 'bad-result':
        return { ...result, winner: -1 };
      default:
        return result;
    }
  }
}

const actorFor = (role: Role) =>
  ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === role)!;

jest.setTimeout(120_000);

describe('run endings (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let redis: Redis;
  let runner: JobRunner;
  let records: JobRecordsRepository;
  const workers: Worker[] = [];
  const queues = new Map<string, Queue>();

  const queue = (mailbox: string) => {
    if (!queues.has(mailbox)) {
      const connection = redisOptionsFromUrl(env.env.REDIS_URL);
      queues.set(mailbox, new Queue(mailbox, { connection, prefix: env.env.QUEUE_PREFIX }));
    }
    return queues.get(mailbox)!;
  };
  /** A worker as the worker app wires one: the runner, and BullMQ's failures outside it. */
  const startWorker = (mailbox: string, extra: Record<string, unknown> = {}) => {
    const config = moduleRef.get(Config);
    const worker = new Worker<JobData>(mailbox, (job, token) => runner.run(job, token), {
      ...bullWorkerOptions(config.redis, config.worker, { concurrency: 2 }),
      ...extra,
    });
    worker.on('error', () => undefined);
    worker.on('failed', (job, error) => {
      if (job) void runner.onWorkerFailed(job, error);
    });
    workers.push(worker);
    return worker;
  };
  const judge = (criteria: string) => ({ criteria, candidates: ['a', 'b'] });
  const submit = async (criteria: string, extra: Record<string, unknown> = {}) => {
    const { record } = await moduleRef.get(JobSubmissionService).submit(tenantId, {
      role: 'judge',
      tier: 1,
      input: judge(criteria),
      privacy: false,
      ...extra,
    } as never);
    return record.id;
  };
  const record = async (id: string) => (await jobs.findOneBy({ id }))!;
  const statusOf = (id: string, status: string) =>
    waitUntil(async () => {
      const r = await record(id);
      return r.status === status && r;
    }, `${id} to be ${status}`);
  const bullState = (mailbox: string, id: string, state: string) =>
    waitUntil(
      async () => (await queue(mailbox).getJobState(id)) === state,
      `BullMQ to hold ${id} as ${state}`,
    );
  const events = async (id: string) => {
    const entries = await redis.xrange(jobEventsKey(env.env.QUEUE_PREFIX, id), '-', '+');
    return entries.map(
      ([, fields]) =>
        JSON.parse(fields[fields.indexOf('d') + 1]) as {
          type: string;
          status?: string;
          reason?: string;
          error?: { code?: string };
        },
    );
  };
  const lastEvent = (id: string, type: string) =>
    waitUntil(async () => {
      const last = (await events(id)).at(-1);
      return last?.type === type && last;
    }, `a '${type}' event last in ${id}'s stream`);
  const gateOf = (id: string) => waitUntil(async () => gates.get(id), `${id}'s handler to start`);

  beforeAll(async () => {
    env = await createTestEnv({ LLM_HEALTH_INTERVAL_MS: '600000' });
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('run-endings-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(env.env))
      .overrideProvider(actorFor('judge'))
      .useClass(ScriptedJudge)
      .compile();
    await moduleRef.init();
    const dataSource = moduleRef.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `e-${env.id}` });
    jobs = dataSource.getRepository(JobEntity);
    redis = new Redis(env.env.REDIS_URL);
    runner = moduleRef.get(JobRunner);
    records = moduleRef.get(JobRecordsRepository);
    startWorker('agent.judge.t1');
  });

  afterAll(async () => {
    for (const release of gates.values()) release();
    await Promise.all(workers.map((w) => w.close(true)));
    await Promise.all([...queues.values()].map((q) => q.close()));
    redis?.disconnect();
    await moduleRef?.close();
    await env?.cleanup();
  });

  describe('budget refusals', () => {
    it("delays a 'defer' job until its budget period resets", async () => {
      const id = await submit('defer', { budgetPolicy: 'defer' });
      const deferred = await statusOf(id, 'delayed');
      expect(deferred.error).toMatchObject({ code: 'BUDGET_DEFERRED', retryable: true });
      expect(deferred.error?.message).toMatch(/^Deferred until \S+Z: The daily tenant budget/);
      await bullState('agent.judge.t1', id, 'delayed');
      const bull = await queue('agent.judge.t1').getJob(id);
      // Delayed to the reset (an hour away), not by the retry backoff; the attempt is not spent.
      expect(bull!.delay).toBeGreaterThan(HOUR_MS - 60_000);
      expect(bull!.attemptsMade).toBe(0);
      const status = await lastEvent(id, 'status');
      expect(status).toMatchObject({ status: 'delayed', reason: deferred.error?.message });
      expect(await moduleRef.get(JobControlService).cancel(await record(id))).toBe('cancelled');
    });

    it('fails a job whose budget never resets, even when it asked to defer', async () => {
      const id = await submit('defer:lifetime', { budgetPolicy: 'defer' });
      const failed = await statusOf(id, 'failed');
      expect(failed.error).toMatchObject({ code: 'BUDGET_EXCEEDED', retryable: false });
      expect(failed.attemptsMade).toBe(1);
      await bullState('agent.judge.t1', id, 'failed');
      expect(await lastEvent(id, 'end')).toEqual({ type: 'end', status: 'failed' });
    });

    it('fails at once a job that did not ask to defer', async () => {
      const id = await submit('defer');
      const failed = await statusOf(id, 'failed');
      expect(failed.error).toMatchObject({ code: 'BUDGET_EXCEEDED', retryable: false });
      expect(failed.attemptsMade).toBe(1);
    });

    it('cancels a job whose cancel was accepted as it was being deferred', async () => {
      const id = await submit('gated:then-refused', { budgetPolicy: 'defer' });
      const release = await gateOf(id);
      await records.requestCancelTree(tenantId, id);
      release();
      // The deferral moved the job to delayed; the cancel then removes it from BullMQ.
      const cancelled = await statusOf(id, 'cancelled');
      expect(cancelled.error).toBeNull();
      await waitUntil(
        async () => (await queue('agent.judge.t1').getJob(id)) === undefined,
        'the job to leave BullMQ',
      );
      expect(await lastEvent(id, 'end')).toEqual({ type: 'end', status: 'cancelled' });
    });
  });

  describe('failures', () => {
    it('retries a retryable failure: delayed between attempts, then completed', async () => {
      const id = await submit('flaky');
      const done = await statusOf(id, 'completed');
      expect(done.attemptsMade).toBe(2);
      expect(done.error).toBeNull();
      expect(runs.get(id)).toBe(2);
      const stream = await events(id);
      expect(stream).toContainEqual({
        type: 'status',
        status: 'delayed',
        reason: 'provider hiccup',
      });
      expect(stream.filter((e) => e.type === 'end')).toEqual([
        { type: 'end', status: 'completed' },
      ]);
    });

    it('fails for good a result that breaks its schema, without retrying it', async () => {
      const id = await submit('bad-result');
      const failed = await statusOf(id, 'failed');
      expect(failed.error).toMatchObject({ code: 'non-retryable', retryable: false });
      expect(failed.error?.message).toMatch(
        /^Actor 'judge' returned a result that breaks its schema/,
      );
      expect(failed.result).toBeNull();
      expect(runs.get(id)).toBe(1);
      await bullState('agent.judge.t1', id, 'failed');
    });

    it('ends cancelled a run that fails after its cancel was accepted', async () => {
      const id = await submit('gated:then-fail');
      const release = await gateOf(id);
      await records.requestCancelTree(tenantId, id);
      release();
      const cancelled = await statusOf(id, 'cancelled');
      expect(cancelled.error).toBeNull();
      await bullState('agent.judge.t1', id, 'failed');
      const stream = await events(id);
      expect(stream.map((e) => e.type)).not.toContain('error');
      expect(stream.at(-1)).toEqual({ type: 'end', status: 'cancelled' });
    });
  });

  describe('hand-back at shutdown', () => {
    it('puts a running job back in its queue, where the next run completes it', async () => {
      const id = await submit('gated-once');
      await gateOf(id);
      expect(runner.active.running()).toEqual([id]);
      runner.active.handBackAll();
      const done = await statusOf(id, 'completed');
      expect(runs.get(id)).toBe(2);
      // Handing back spends no attempt.
      expect(done.attemptsMade).toBe(1);
      expect(await events(id)).toContainEqual({
        type: 'status',
        status: 'queued',
        reason: 'worker shutdown',
      });
    });

    it('ends a handed-back job cancelled when its cancel was accepted first', async () => {
      const id = await submit('gated');
      await gateOf(id);
      await records.requestCancelTree(tenantId, id);
      runner.active.handBackAll();
      const cancelled = await statusOf(id, 'cancelled');
      expect(cancelled.result).toBeNull();
      // Removed from its queue, or (when a worker took it again first) failed there for good
      // by a run that found the cancel: either way it never runs to an end again.
      await waitUntil(async () => {
        const state = await queue('agent.judge.t1').getJobState(id);
        return state === 'unknown' || state === 'failed';
      }, 'BullMQ to let the job go');
      expect(await lastEvent(id, 'end')).toEqual({ type: 'end', status: 'cancelled' });
      const ends = (await events(id)).filter((e) => e.type === 'end');
      expect(ends).toHaveLength(1);
    });
  });

  describe('ends BullMQ decides', () => {
    // A job on its own mailbox, taken by a worker that never renews its lock (as if its
    // process froze) and then failed by another worker's stall check.
    const stall = async (
      mailbox: string,
      criteria: string,
      before?: (id: string) => Promise<void>,
    ) => {
      const frozen = new Worker<JobData>(mailbox, () => new Promise(() => undefined), {
        connection: redisOptionsFromUrl(env.env.REDIS_URL),
        prefix: env.env.QUEUE_PREFIX,
        lockDuration: 300,
        skipLockRenewal: true,
        skipStalledCheck: true,
      });
      frozen.on('error', () => undefined);
      workers.push(frozen);
      const taken = new Promise<Job>((resolve) => frozen.once('active', resolve));
      const id = await submit(criteria, { tier: Number(mailbox.at(-1)) });
      await taken;
      await frozen.close(true);
      await before?.(id);
      startWorker(mailbox, { stalledInterval: 200, maxStalledCount: 0 });
      return id;
    };

    it('fails a job that stalled past the limit, with its stream ended', async () => {
      const id = await stall('agent.judge.t2', 'anything');
      const failed = await statusOf(id, 'failed');
      expect(failed.error).toMatchObject({ code: 'stalled', retryable: false });
      expect(await lastEvent(id, 'end')).toEqual({ type: 'end', status: 'failed' });
      const stream = await events(id);
      expect(stream.at(-2)).toMatchObject({ type: 'error', error: { code: 'stalled' } });
      expect(runs.get(id)).toBeUndefined();
    });

    it('ends cancelled a stalled job whose cancel was accepted', async () => {
      const id = await stall('agent.judge.t3', 'anything', async (jobId) => {
        await records.requestCancelTree(tenantId, jobId);
      });
      await statusOf(id, 'cancelled');
      expect(await lastEvent(id, 'end')).toEqual({ type: 'end', status: 'cancelled' });
    });

    it('ends cancelled a job whose cancel was accepted before its run began', async () => {
      const { record: r } = await moduleRef.get(JobSubmissionService).submit(tenantId, {
        role: 'judge',
        tier: 0,
        input: judge('anything'),
        privacy: true,
      } as never);
      // Accepted while the job waits with no worker, and its message lost.
      await records.requestCancelTree(tenantId, r.id);
      startWorker('agent.judge.t0');
      const cancelled = await statusOf(r.id, 'cancelled');
      expect(cancelled.result).toBeNull();
      await bullState('agent.judge.t0', r.id, 'failed');
      expect(await lastEvent(r.id, 'end')).toEqual({ type: 'end', status: 'cancelled' });
    });
  });
});
