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
import type { JobData, JobResult, Role } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import {
  JobEntity,
  JobRecordsRepository,
  PersistenceModule,
  TenantEntity,
} from '@switchboard/persistence';
import {
  JobCancelBus,
  JobCancelListener,
  JobControlService,
  JobSubmissionService,
  QueueModule,
  bullWorkerOptions,
  cancelMarkerKey,
} from '@switchboard/queue';
import { RedisModule, redisOptionsFromUrl } from '@switchboard/redis';
import { jobEventsKey } from '@switchboard/streams';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type Repository } from 'typeorm';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// Cancels and timeouts through the real runtime: JobRunner under BullMQ workers, the cancel
// listener a worker runs, real Redis and Postgres, and a fake OpenAI server whose requests
// hang until the worker aborts them. Two test actors stand in for the planner (it fans out to
// chat children) and the researcher (gated, or stubborn: it ignores its abort signal).

const chat = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT_MS = 300;

@Actor('planner')
class FanOutPlanner implements ActorHandler<'planner'> {
  async handle(
    { jobId }: ActorMessage<'planner'>,
    ctx: ActorContext,
  ): Promise<JobResult<'planner'>> {
    const [a, b] = await ctx.spawnAndWait([
      { role: 'chat', input: chat(`first of ${jobId}`) },
      { role: 'chat', input: chat(`second of ${jobId}`) },
    ]);
    return { text: 'plan', usage: ctx.usage(), model: 'm', provider: 'p', steps: [a.text, b.text] };
  }
}

/** Released by the test, per job id. */
const gates = new Map<string, () => void>();
/** What each write of a stubborn run did after its timeout, per job id. */
const afterTimeout = new Map<string, Record<string, string>>();

@Actor('researcher')
class TestResearcher implements ActorHandler<'researcher'> {
  async handle(
    { jobId, input }: ActorMessage<'researcher'>,
    ctx: ActorContext,
  ): Promise<JobResult<'researcher'>> {
    const result = { text: 'answer', usage: ctx.usage(), model: 'm', provider: 'p' };
    if (input.question === 'gated') {
      await new Promise<void>((resolve) => gates.set(jobId, resolve));
      return result;
    }
    // Stubborn: ignores its signal, sleeps past its timeout, then tries every kind of write.
    await ctx.progress({ stage: 'started' });
    await sleep(TIMEOUT_MS * 3);
    const tries: Record<string, () => Promise<unknown>> = {
      progress: () => ctx.progress({ stage: 'after the timeout' }),
      send: () => ctx.send('chat', chat(`sent by ${jobId}`)),
      spawnAndWait: () => ctx.spawnAndWait([{ role: 'chat', input: chat(`child of ${jobId}`) }]),
      chat: () => ctx.llm.chat(chat('more')),
      stream: async () => {
        for await (const event of ctx.llm.stream(chat('more'))) void event;
      },
    };
    const outcomes: Record<string, string> = {};
    for (const [name, attempt] of Object.entries(tries)) {
      outcomes[name] = await attempt().then(
        () => 'done',
        (error: Error) => error.name,
      );
    }
    afterTimeout.set(jobId, outcomes);
    return result;
  }
}

const actorFor = (role: Role) =>
  ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === role)!;

jest.setTimeout(120_000);

describe('cancel and timeout (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let fake: FakeProviderServer;
  let moduleRef: TestingModule;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let redis: Redis;
  let listener: JobCancelListener;
  const workers: Worker[] = [];
  const queues = new Map<string, Queue>();

  const queue = (mailbox: string) => {
    if (!queues.has(mailbox)) {
      const connection = redisOptionsFromUrl(env.env.REDIS_URL);
      queues.set(mailbox, new Queue(mailbox, { connection, prefix: env.env.QUEUE_PREFIX }));
    }
    return queues.get(mailbox)!;
  };
  const record = async (id: string) => (await jobs.findOneBy({ id }))!;
  const submit = async (role: Role, input: unknown, extra: Record<string, unknown> = {}) => {
    const { record: r } = await moduleRef
      .get(JobSubmissionService)
      .submit(tenantId, { role, tier: 1, input, privacy: false, ...extra } as never);
    return r.id;
  };
  const statusOf = (id: string, status: string) =>
    waitUntil(async () => {
      const r = await record(id);
      return r.status === status && r;
    }, `${id} to be ${status}`);
  /** BullMQ moves the job to failed just after the runner has written the record. */
  const bullFailed = (mailbox: string, id: string) =>
    waitUntil(
      async () => (await queue(mailbox).getJobState(id)) === 'failed',
      `BullMQ to fail ${id}`,
    );
  const events = async (id: string) => {
    const entries = await redis.xrange(jobEventsKey(env.env.QUEUE_PREFIX, id), '-', '+');
    return entries.map(([entryId, fields]) => ({
      id: entryId,
      event: JSON.parse(fields[fields.indexOf('d') + 1]) as { type: string; status?: string },
    }));
  };
  /** The stream's last event once it is `end` (written just after the record). */
  const ending = (id: string) =>
    waitUntil(async () => {
      const last = (await events(id)).at(-1)?.event;
      return last?.type === 'end' && last;
    }, `the end of ${id}'s stream`);
  const invocations = async (jobId: string) =>
    moduleRef
      .get(DataSource)
      .query<{ outcome: string; output_tokens: number }[]>(
        'SELECT outcome, output_tokens FROM llm_invocations WHERE job_id = $1',
        [jobId],
      );

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    const catalogue = join(tmpdir(), `cancel-catalogue-${process.pid}-${Date.now()}.json`);
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
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('cancel-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(config)
      .overrideProvider(actorFor('planner'))
      .useClass(FanOutPlanner)
      .overrideProvider(actorFor('researcher'))
      .useClass(TestResearcher)
      .compile();
    await moduleRef.init();
    const dataSource = moduleRef.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `c-${env.id}` });
    jobs = dataSource.getRepository(JobEntity);
    redis = new Redis(env.env.REDIS_URL);

    const runner = moduleRef.get(JobRunner);
    for (const mailbox of ['agent.planner.t1', 'agent.chat.t1', 'agent.researcher.t1']) {
      const worker = new Worker<JobData>(
        mailbox,
        (job, token) => runner.run(job, token),
        bullWorkerOptions(config.redis, config.worker, { concurrency: 4 }),
      );
      worker.on('error', () => undefined);
      workers.push(worker);
    }
    // As the worker app wires it; a short sweep so a missed message is caught quickly.
    listener = new JobCancelListener({
      redis: config.redis,
      bus: moduleRef.get(JobCancelBus),
      targets: runner.active,
      sweepMs: 200,
    });
    await listener.start();
  });

  afterAll(async () => {
    await listener?.stop();
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([...queues.values()].map((q) => q.close()));
    redis?.disconnect();
    await moduleRef?.close();
    await fake?.close();
    await env?.cleanup();
  });

  beforeEach(() => fake.reset());

  it('cancels a parent waiting for its children, and the running children: their provider requests are aborted', async () => {
    fake.script({ type: 'hang' }, { type: 'hang' });
    const parentId = await submit('planner', { goal: 'fan out' });
    await statusOf(parentId, 'waiting_children');
    const children = await waitUntil(async () => {
      const rows = await jobs.findBy({ parentId });
      return rows.length === 2 && rows.every((r) => r.status === 'active') && rows;
    }, 'both children running');
    await waitUntil(async () => fake.received.length === 2, 'both provider requests');

    const outcome = await moduleRef.get(JobControlService).cancel(await record(parentId));
    // The parent held no worker: it is removed from BullMQ and ends at once.
    expect(outcome).toBe('cancelled');
    expect(await queue('agent.planner.t1').getJob(parentId)).toBeUndefined();
    expect(await record(parentId)).toMatchObject({ status: 'cancelled', error: null });

    await fake.waitForAborts(2);
    for (const child of children) {
      const ended = await statusOf(child.id, 'cancelled');
      expect(ended.cancelRequestedAt).toBeInstanceOf(Date);
      expect(ended.finishedAt).toBeInstanceOf(Date);
      expect(ended.result).toBeNull();
      // BullMQ fails it for good (just after the record is written): never retried.
      await bullFailed('agent.chat.t1', child.id);
      expect((await invocations(child.id)).map((r) => r.outcome)).toEqual(['cancelled']);
      expect(await ending(child.id)).toEqual({ type: 'end', status: 'cancelled' });
    }
    expect(await ending(parentId)).toEqual({ type: 'end', status: 'cancelled' });
  });

  it('stops a job whose worker missed the message: the marker is found by the sweep', async () => {
    fake.script({ type: 'hang' });
    const id = await submit('chat', chat('never answered'));
    await statusOf(id, 'active');
    await waitUntil(async () => fake.received.length === 1, 'the provider request');
    // What JobControlService does, minus the broadcast: as if the subscriber was reconnecting.
    const records = moduleRef.get(JobRecordsRepository);
    expect((await records.requestCancelTree(tenantId, id)).map((t) => t.id)).toEqual([id]);
    await redis.set(cancelMarkerKey(env.env.QUEUE_PREFIX, id), '1', 'EX', 60);

    await fake.waitForAborts(1);
    const ended = await statusOf(id, 'cancelled');
    expect(ended.attemptsMade).toBe(1);
    await bullFailed('agent.chat.t1', id);
  });

  it('a cancel accepted as the job completes wins: the job ends cancelled, once', async () => {
    const id = await submit('researcher', { question: 'gated' });
    await statusOf(id, 'active');
    await waitUntil(async () => gates.has(id), 'the handler to start');
    // Accepted, but its message has not arrived: the handler returns a result meanwhile.
    await moduleRef.get(JobRecordsRepository).requestCancelTree(tenantId, id);
    gates.get(id)!();

    const ended = await statusOf(id, 'cancelled');
    expect(ended.result).toBeNull();
    await bullFailed('agent.researcher.t1', id);
    expect(await ending(id)).toEqual({ type: 'end', status: 'cancelled' });
    const types = (await events(id)).map((e) => e.event.type);
    expect(types).not.toContain('result');
    expect(types.filter((t) => t === 'end')).toHaveLength(1);
  });

  it('times a stubborn job out: TIMEOUT, final, and nothing it tries afterwards is written', async () => {
    const id = await submit('researcher', { question: 'stubborn' }, { timeoutMs: TIMEOUT_MS });
    const failed = await statusOf(id, 'failed');
    expect(failed.timeoutMs).toBe(TIMEOUT_MS);
    expect(failed.error).toMatchObject({ code: 'TIMEOUT', retryable: false });
    expect(failed.attemptsMade).toBe(1);
    expect(failed.progress).toEqual({ stage: 'started' });
    expect(await ending(id)).toEqual({ type: 'end', status: 'failed' });
    const stream = await events(id);
    expect(stream.at(-2)?.event).toMatchObject({ type: 'error', error: { code: 'TIMEOUT' } });
    expect(stream.at(-1)?.event).toEqual({ type: 'end', status: 'failed' });

    // The handler carries on after the failure and tries to write: every write is refused.
    const outcomes = await waitUntil(async () => afterTimeout.get(id), 'the stubborn writes');
    expect(outcomes).toEqual({
      progress: 'JobTimeoutError',
      send: 'JobTimeoutError',
      spawnAndWait: 'JobTimeoutError',
      chat: 'JobTimeoutError',
      stream: 'JobTimeoutError',
    });
    const after = await record(id);
    expect(after.updatedAt).toEqual(failed.updatedAt);
    expect(after.progress).toEqual({ stage: 'started' });
    expect(await events(id)).toEqual(stream);
    await bullFailed('agent.researcher.t1', id);
    const bull = await queue('agent.researcher.t1').getJob(id);
    expect(bull?.progress).toEqual({ stage: 'started' });
    expect(bull?.attemptsMade).toBe(1);
    expect(await jobs.findBy({ parentId: id })).toEqual([]);
    const sent = (await jobs.findBy({ tenantId, role: 'chat' })).filter((r) =>
      JSON.stringify(r.input).includes(id),
    );
    expect(sent).toEqual([]);
    expect(await invocations(id)).toEqual([]);
    expect(fake.stats.chatRequests).toBe(0);
  });
});
