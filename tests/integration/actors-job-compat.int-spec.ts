import { Test, type TestingModule } from '@nestjs/testing';
import {
  Actor,
  ACTOR_ROLE,
  ActorsModule,
  JobRunner,
  ROLE_ACTORS,
  type ActorContext,
  type ActorHandler,
  type ActorMessage,
} from '@switchboard/actors';
import {
  JOB_COMPAT_VERSION,
  jobDefinition,
  type JobData,
  type JobResult,
  type Role,
} from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { metricsRegistry } from '@switchboard/observability';
import { JobEntity, PersistenceModule, TenantEntity } from '@switchboard/persistence';
import { JobSubmissionService, QueueModule, bullWorkerOptions } from '@switchboard/queue';
import { RedisModule, redisOptionsFromUrl } from '@switchboard/redis';
import { jobEventsKey } from '@switchboard/streams';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The job compatibility version, with real Redis, Postgres and BullMQ workers running the real
// JobRunner: two "versions" of the platform side by side, as mid-deploy. The old one runs the
// code's JOB_COMPAT_VERSION; the new one is configured one above it (JOB_COMPAT_VERSION, as an
// operator rehearsing a deploy would). A job the new version submits is handed back by old
// workers without spending attempts, however often they take it, and a new worker runs it once.

const MAILBOX = 'agent.judge.t1';
const NEWER = JOB_COMPAT_VERSION + 1;
/** Handler runs per job id, across both versions. */
const runs = new Map<string, number>();
/** The chat child each judge job sent, by the judge's id. */
const sent = new Map<string, string>();

@Actor('judge')
class CountingJudge implements ActorHandler<'judge'> {
  async handle(
    { jobId, input }: ActorMessage<'judge'>,
    ctx: ActorContext,
  ): Promise<JobResult<'judge'>> {
    runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
    if (input.criteria === 'send') {
      const { jobId: child } = await ctx.send('chat', {
        messages: [{ role: 'user', content: 'hi' }],
      });
      sent.set(jobId, child);
    }
    return { text: 'picked', usage: ctx.usage(), model: 'm', provider: 'p', winner: 0 };
  }
}

const actorFor = (role: Role) =>
  ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === role)!;

jest.setTimeout(120_000);

describe('job compatibility version (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let oldVersion: TestingModule;
  let newVersion: TestingModule;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let redis: Redis;
  let queue: Queue<JobData>;
  let oldWorker: Worker<JobData>;
  const workers: Worker[] = [];

  const boot = async (vars: Record<string, string>) => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('job-compat-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig({ ...env.env, ...vars }))
      .overrideProvider(actorFor('judge'))
      .useClass(CountingJudge)
      .compile();
    await moduleRef.init();
    return moduleRef;
  };
  /** A worker as the worker app wires one, running the given version's JobRunner. */
  const startWorker = (moduleRef: TestingModule) => {
    const config = moduleRef.get(Config);
    const runner = moduleRef.get(JobRunner);
    const worker = new Worker<JobData>(MAILBOX, (job, token) => runner.run(job, token), {
      ...bullWorkerOptions(config.redis, config.worker, { concurrency: 1 }),
    });
    worker.on('error', () => undefined);
    worker.on('failed', (job, error) => {
      if (job) void runner.onWorkerFailed(job, error);
    });
    workers.push(worker);
    return worker;
  };
  const submit = async (moduleRef: TestingModule, criteria: string, delay?: number) => {
    const { record } = await moduleRef.get(JobSubmissionService).submit(tenantId, {
      role: 'judge',
      tier: 1,
      input: { criteria, candidates: ['a', 'b'] },
      privacy: false,
      ...(delay ? { delay } : {}),
    });
    return record.id;
  };
  const record = async (id: string) => (await jobs.findOneBy({ id }))!;
  const statusOf = (id: string, status: string) =>
    waitUntil(async () => {
      const r = await record(id);
      return r.status === status && r;
    }, `${id} to be ${status}`);
  const bullJob = async (id: string) => (await queue.getJob(id))!;
  const streamLength = (id: string) => redis.xlen(jobEventsKey(env.env.QUEUE_PREFIX, id));
  /** `switchboard_jobs_total{queue=MAILBOX,outcome}` as this process counted it. */
  const counted = async (outcome: string) => {
    const metric = metricsRegistry.getSingleMetric('switchboard_jobs_total');
    const values = (await metric!.get()).values;
    return values
      .filter((v) => v.labels.queue === MAILBOX && v.labels.outcome === outcome)
      .reduce((sum, v) => sum + v.value, 0);
  };

  beforeAll(async () => {
    env = await createTestEnv({
      LLM_HEALTH_INTERVAL_MS: '600000',
      WORKER_INCOMPATIBLE_RETRY_MS: '20',
    });
    oldVersion = await boot({});
    newVersion = await boot({ JOB_COMPAT_VERSION: String(NEWER) });
    const dataSource = oldVersion.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `c-${env.id}` });
    jobs = dataSource.getRepository(JobEntity);
    redis = new Redis(env.env.REDIS_URL);
    const connection = redisOptionsFromUrl(env.env.REDIS_URL);
    queue = new Queue<JobData>(MAILBOX, { connection, prefix: env.env.QUEUE_PREFIX });
    oldWorker = startWorker(oldVersion);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    await queue?.close();
    redis?.disconnect();
    await oldVersion?.close();
    await newVersion?.close();
    await env?.cleanup();
  });

  let newJob: string;

  it('stamps each job with the version that submitted it', async () => {
    // Delayed an hour so that no worker takes them while we look.
    const [a, b] = [
      await submit(oldVersion, 'look', 3_600_000),
      await submit(newVersion, 'look', 3_600_000),
    ];
    expect((await bullJob(a)).data.compat).toBe(JOB_COMPAT_VERSION);
    expect((await bullJob(b)).data.compat).toBe(NEWER);
    await Promise.all([(await bullJob(a)).remove(), (await bullJob(b)).remove()]);
  });

  it('an old worker hands a newer job back, untouched, more often than it has attempts', async () => {
    const attempts = jobDefinition('judge').options.attempts;
    const handedBack = await counted('handed_back');
    newJob = await submit(newVersion, 'plain');
    // Each take counts as started; none counts as made. Past `attempts` takes, a job whose
    // takes spent attempts would have failed.
    const taken = await waitUntil(
      async () => {
        const job = await bullJob(newJob);
        return job.attemptsStarted > attempts + 2 && job;
      },
      `the old worker to take ${newJob} more than ${attempts + 2} times`,
    );
    expect(taken.attemptsMade).toBe(0);
    expect(taken.failedReason).toBeFalsy();
    expect(['delayed', 'wait', 'active', 'prioritized']).toContain(await taken.getState());
    expect(runs.get(newJob)).toBeUndefined();
    // Counted as hand-backs (each take that was turned back), never as failures or retries.
    expect(await counted('handed_back')).toBeGreaterThanOrEqual(handedBack + attempts + 2);
    expect(await counted('failed')).toBe(0);
    expect(await counted('retrying')).toBe(0);
    // Nothing of a run happened: no record write, no event.
    const untouched = await record(newJob);
    expect(untouched.status).toBe('queued');
    expect(untouched.attemptsMade).toBe(0);
    expect(await streamLength(newJob)).toBe(0);
  });

  it('the old worker still runs its own jobs, and jobs enqueued before stamping', async () => {
    const own = await submit(oldVersion, 'plain');
    // Enqueued "by a version before stamping": the same job, its stamp removed before it is due.
    const unstamped = await submit(oldVersion, 'plain', 3_600_000);
    const job = await bullJob(unstamped);
    const { compat, ...legacy } = job.data;
    expect(compat).toBe(JOB_COMPAT_VERSION);
    await job.updateData(legacy);
    await job.promote();
    for (const id of [own, unstamped]) {
      const done = await statusOf(id, 'completed');
      expect(done.attemptsMade).toBe(1);
      expect(runs.get(id)).toBe(1);
    }
    expect('compat' in (await bullJob(unstamped)).data).toBe(false);
  });

  it('a newer worker runs the handed-back job to completion, once', async () => {
    startWorker(newVersion);
    const done = await statusOf(newJob, 'completed');
    expect(done.attemptsMade).toBe(1);
    expect(runs.get(newJob)).toBe(1);
    const job = await bullJob(newJob);
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(1);
  });

  it('children carry the stamp of the worker that spawned them', async () => {
    await oldWorker.close();
    // The new worker runs an old job (compat below its own) and sends a child from it.
    const parent = await submit(oldVersion, 'send');
    await statusOf(parent, 'completed');
    expect(runs.get(parent)).toBe(1);
    const child = sent.get(parent)!;
    const childJob = new Queue<JobData>('agent.chat.t1', {
      connection: redisOptionsFromUrl(env.env.REDIS_URL),
      prefix: env.env.QUEUE_PREFIX,
    });
    try {
      expect((await childJob.getJob(child))!.data.compat).toBe(NEWER);
    } finally {
      await childJob.close();
    }
  });
});
