import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import {
  Actor,
  ACTOR_ROLE,
  ActorsModule,
  Capability,
  HandBackSignal,
  JobRunner,
  ROLE_ACTORS,
  type ActorContext,
  type ActorHandler,
  type ActorMessage,
  type CapabilityProvider,
  type CapabilityScope,
  type DurableSteps,
} from '@switchboard/actors';
import { JOB_COMPAT_VERSION, type JobData, type JobResult } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import {
  JobEntity,
  JobRecordsRepository,
  JobStepEntity,
  PersistenceModule,
  TenantEntity,
} from '@switchboard/persistence';
import { JobSubmissionService, QueueModule, bullWorkerOptions } from '@switchboard/queue';
import { RedisModule, redisOptionsFromUrl } from '@switchboard/redis';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The step journal in Postgres, through the real JobRunner under BullMQ (real Redis and
// Postgres, the simulated provider): send, spawn and once steps are rows of job_steps, one
// per step, so the BullMQ payload stays what the submission wrote; a job that runs again
// replays them from there (merged with its LLM answers from Redis); a `once` an earlier run
// started and never finished comes back interrupted; steps a job of the previous version
// carried in its payload still replay; the rows go with the job.

declare module '@switchboard/actors' {
  interface ActorCapabilities {
    /** This suite's own capability: the run's DurableSteps, as a capability gets them. */
    readonly journalProbe?: DurableSteps;
  }
}

@Capability('journalProbe')
class JournalProbeCapability implements CapabilityProvider<'journalProbe'> {
  forRun(scope: CapabilityScope): DurableSteps {
    return scope.steps;
  }
}

const chat = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** What each run of a job saw, by job id. */
const runs = new Map<string, { sent: string[]; once: unknown[] }[]>();
/** How often each `once` work ran, by `<job id>:<label>`. */
const effects = new Map<string, number>();
/** A `once` work waiting for the test, by job id. */
const gates = new Map<string, () => void>();
/** How the handed-back run's gated `once` ended, by job id. */
const strays = new Map<string, unknown>();

@Actor('planner')
class SteppingPlanner implements ActorHandler<'planner'> {
  async handle(
    { jobId, input }: ActorMessage<'planner'>,
    ctx: ActorContext,
  ): Promise<JobResult<'planner'>> {
    const seen = { sent: [] as string[], once: [] as unknown[] };
    runs.set(jobId, [...(runs.get(jobId) ?? []), seen]);
    const steps = ctx.journalProbe!;
    const once = async (label: string, value: unknown, gated = false) => {
      const outcome = await steps.once(label, async () => {
        const key = `${jobId}:${label}`;
        effects.set(key, (effects.get(key) ?? 0) + 1);
        if (gated) await new Promise<void>((resolve) => gates.set(jobId, resolve));
        return value;
      });
      seen.once.push(outcome);
    };
    const send = async (text: string) => seen.sent.push((await ctx.send('chat', chat(text))).jobId);
    const [flow, count] = input.goal.split(':');

    if (flow === 'loop') {
      for (let i = 0; i < Number(count); i++) {
        await send(`loop ${jobId} ${i}`);
        await once(`square ${i}`, i * i);
        await ctx.llm.chat(chat(`think ${jobId} ${i}`));
      }
      await ctx.spawnAndWait([{ role: 'chat', input: chat(`child ${jobId}`) }]);
    } else if (flow === 'crash') {
      await send(`crash ${jobId}`);
      await once('charge', 'charged');
      await ctx.llm.chat(chat(`think ${jobId}`));
      await ctx.spawnAndWait([
        { role: 'chat', input: chat(`first of ${jobId}`) },
        { role: 'chat', input: chat(`second of ${jobId}`) },
      ]);
      // Gated on its first run only: the test hands the run back while the work is inside.
      await once('gate', 'passed', (effects.get(`${jobId}:gate`) ?? 0) === 0).catch(
        (error: unknown) => {
          strays.set(jobId, error);
          throw error;
        },
      );
    } else if (flow === 'legacy') {
      await send(`legacy ${jobId} 0`);
      await once('charge', 'charged now');
      await once('gate', 'passed');
      await send(`legacy ${jobId} 3`);
    } else {
      for (let i = 0; i < Number(count); i++) await send(`${flow} ${jobId} ${i}`);
    }
    return { text: 'done', usage: ctx.usage(), model: 'm', provider: 'p', steps: [] };
  }
}

const PlannerActor = ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === 'planner')!;

jest.setTimeout(120_000);

describe('step journal in Postgres (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let dataSource: DataSource;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let plannerQueue: Queue<JobData>;
  let redis: Redis;
  let prefix: string;
  const workers = new Map<string, Worker>();
  /** Starts serving a mailbox (once): children stay queued until their mailbox is served. */
  const serve = (mailbox: string) => {
    if (workers.has(mailbox)) return;
    const config = loadConfig(env.env);
    const runner = moduleRef.get(JobRunner);
    const worker = new Worker<JobData>(mailbox, (job, token) => runner.run(job, token), {
      ...bullWorkerOptions(config.redis, config.worker, { concurrency: 4 }),
    });
    worker.on('error', () => undefined);
    workers.set(mailbox, worker);
  };
  /** Job ids whose step rows were read. */
  const reads: string[] = [];

  const submit = async (goal: string, opts: { tenant?: string; delay?: number } = {}) => {
    const { record } = await moduleRef.get(JobSubmissionService).submit(opts.tenant ?? tenantId, {
      role: 'planner',
      tier: 1,
      input: { goal },
      privacy: false,
      ...(opts.delay ? { delay: opts.delay } : {}),
    });
    return record.id;
  };
  const finished = (id: string) =>
    waitUntil(async () => {
      const r = await jobs.findOneBy({ id });
      return r && ['completed', 'failed'].includes(r.status) && r;
    }, `${id} to finish`);
  const rowsOf = (id: string) =>
    dataSource.query<{ position: number; kind: string; data: Record<string, unknown> }[]>(
      'SELECT position, kind, data FROM job_steps WHERE job_id = $1 ORDER BY position',
      [id],
    );
  const recordsWith = async (text: string) =>
    (await jobs.findBy({ role: 'chat' })).filter((r) => JSON.stringify(r.input).includes(text));
  /** The payload JobSubmissionService writes for a planner job of this suite. */
  const payloadOf = (id: string, goal: string, tenant = tenantId): JobData => ({
    tenantId: tenant,
    role: 'planner',
    tier: 1,
    privacy: false,
    traceId: id,
    input: { goal },
    compat: JOB_COMPAT_VERSION,
  });

  beforeAll(async () => {
    env = await createTestEnv({ LLM_HEALTH_INTERVAL_MS: '600000' });
    const config = loadConfig(env.env);
    prefix = config.redis.prefix;
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('step-journal-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
      providers: [JournalProbeCapability],
    })
      .overrideProvider(Config)
      .useValue(config)
      .overrideProvider(PlannerActor)
      .useClass(SteppingPlanner)
      .compile();
    await moduleRef.init();
    dataSource = moduleRef.get(DataSource);
    jobs = dataSource.getRepository(JobEntity);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `s-${env.id}` });
    const stepRows = moduleRef.get<Repository<JobStepEntity>>(getRepositoryToken(JobStepEntity));
    const find = stepRows.find.bind(stepRows);
    jest.spyOn(stepRows, 'find').mockImplementation((options) => {
      reads.push(String((options?.where as { jobId?: string } | undefined)?.jobId));
      return find(options);
    });
    redis = new Redis(env.env.REDIS_URL);
    plannerQueue = new Queue('agent.planner.t1', {
      connection: redisOptionsFromUrl(env.env.REDIS_URL),
      prefix: env.env.QUEUE_PREFIX,
    });
    serve('agent.planner.t1');
  });

  afterAll(async () => {
    for (const release of gates.values()) release();
    await Promise.all([...workers.values()].map((w) => w.close(true)));
    await plannerQueue?.close();
    redis?.disconnect();
    await moduleRef?.close();
    await env?.cleanup();
  });

  it('writes one row per send, spawn and once step, and the payload stays as submitted', async () => {
    const n = 6;
    const id = await submit(`loop:${n}`);
    await waitUntil(
      async () => (await plannerQueue.getJobState(id)) === 'waiting-children',
      `${id} waiting for its child`,
    );
    // Each iteration: send, once, an LLM call (in Redis, not here); then the spawn.
    const rows = await rowsOf(id);
    expect(rows.map(({ position, kind }) => [position, kind])).toEqual([
      ...Array.from({ length: n }, (_, i) => [
        [3 * i, 'send'],
        [3 * i + 1, 'once'],
      ]).flat(),
      [3 * n, 'spawn'],
    ]);
    rows
      .filter((r) => r.kind === 'once')
      .forEach((r, i) =>
        expect(r.data).toEqual({ label: `square ${i}`, state: 'done', value: i * i }),
      );
    const [first] = runs.get(id)!;
    expect(rows.filter((r) => r.kind === 'send').map((r) => r.data)).toEqual(
      first.sent.map((jobId) => ({ jobId })),
    );
    const answers = await redis.hkeys(`${prefix}:journal:${id}`);
    expect(answers.map(Number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => 3 * i + 2),
    );
    // The payload is what the submission wrote, mid-run and at the end.
    expect((await plannerQueue.getJob(id))!.data).toEqual(payloadOf(id, `loop:${n}`));

    serve('agent.chat.t1');
    expect((await finished(id)).status).toBe('completed');
    expect((await plannerQueue.getJob(id))!.data).toEqual(payloadOf(id, `loop:${n}`));
    // The resumed run replayed every step: nothing was sent or done twice.
    const [, resumed] = runs.get(id)!;
    expect(resumed).toEqual(first);
    for (let i = 0; i < n; i++) expect(effects.get(`${id}:square ${i}`)).toBe(1);
    expect(await recordsWith(`loop ${id}`)).toHaveLength(n);
    expect(await recordsWith(`child ${id}`)).toHaveLength(1);
    expect(await rowsOf(id)).toHaveLength(2 * n + 1);

    // BullMQ's 'completed' (the worker app wires it): the job never runs again, its rows go.
    moduleRef.get(JobRunner).onWorkerCompleted((await plannerQueue.getJob(id))!);
    await waitUntil(async () => (await rowsOf(id)).length === 0, `${id}'s rows to go`);
  });

  it('replays send, spawn and once from Postgres after a run is lost, and never redoes an interrupted once', async () => {
    serve('agent.chat.t1');
    const id = await submit('crash');
    // First run: send, once, LLM call, spawn; the resumed run stops inside the gated once.
    await waitUntil(async () => gates.get(id), `${id} inside its gated step`);
    expect((await rowsOf(id)).map(({ position, kind, data }) => [position, kind, data])).toEqual([
      [0, 'send', { jobId: runs.get(id)![0].sent[0] }],
      [1, 'once', { label: 'charge', state: 'done', value: 'charged' }],
      [3, 'spawn', { childIds: expect.any(Array) as unknown }],
      [4, 'once', { label: 'gate', state: 'started' }],
    ]);
    expect(reads.filter((r) => r === id)).toHaveLength(1); // the resumed run, once

    // The run is lost (handed back, as at a shutdown); the job runs again from its rows.
    moduleRef.get(JobRunner).active.handBackAll();
    const record = await finished(id);
    expect(record.status).toBe('completed');
    const [first, resumed, third] = runs.get(id)!;
    expect(runs.get(id)).toHaveLength(3);
    expect(resumed.sent).toEqual(first.sent);
    expect(third.sent).toEqual(first.sent);
    expect(third.once).toEqual([{ value: 'charged' }, { interrupted: true }]);
    expect(effects.get(`${id}:charge`)).toBe(1);
    expect(effects.get(`${id}:gate`)).toBe(1);
    expect(await recordsWith(`crash ${id}`)).toHaveLength(1);
    expect(await recordsWith(`first of ${id}`)).toHaveLength(1);
    expect(await recordsWith(`second of ${id}`)).toHaveLength(1);
    expect(reads.filter((r) => r === id)).toHaveLength(2);

    // The lost run's work finishes late: its result is refused, the step stays interrupted.
    gates.get(id)!();
    await waitUntil(async () => strays.get(id), 'the lost run to end its step');
    expect(strays.get(id)).toBeInstanceOf(HandBackSignal);
    expect((await rowsOf(id)).find((r) => r.position === 4)?.data).toEqual({
      label: 'gate',
      state: 'started',
    });
    expect((await plannerQueue.getJob(id))!.data).toEqual(payloadOf(id, 'crash'));
  });

  it('reads no rows on a first run', async () => {
    serve('agent.chat.t1');
    const id = await submit('send:3');
    expect((await finished(id)).status).toBe('completed');
    expect(await rowsOf(id)).toHaveLength(3);
    expect(reads).not.toContain(id);
  });

  it('replays the steps a job of the previous version carries in its payload', async () => {
    serve('agent.chat.t1');
    const id = await submit('legacy', { delay: 600_000 });
    const job = (await plannerQueue.getJob(id))!;
    const sentBefore = randomUUID(); // the old run's child: not submitted again
    const legacy = [
      { kind: 'send', jobId: sentBefore },
      { kind: 'once', label: 'charge', state: 'done', value: 'charged before' },
      { kind: 'once', label: 'gate', state: 'started' },
    ];
    await job.updateData({ ...job.data, steps: legacy });
    await job.promote();

    expect((await finished(id)).status).toBe('completed');
    const [run] = runs.get(id)!;
    expect(run.sent[0]).toBe(sentBefore);
    expect(run.once).toEqual([{ value: 'charged before' }, { interrupted: true }]);
    expect(effects.get(`${id}:charge`)).toBeUndefined();
    expect(effects.get(`${id}:gate`)).toBeUndefined();
    expect(await recordsWith(`legacy ${id} 0`)).toHaveLength(0);
    // The step after them is new: submitted, and written as a row at its position.
    const [fresh] = await recordsWith(`legacy ${id} 3`);
    expect(run.sent[1]).toBe(fresh.id);
    expect(await rowsOf(id)).toEqual([{ position: 3, kind: 'send', data: { jobId: fresh.id } }]);
    expect((await plannerQueue.getJob(id))!.data.steps).toEqual(legacy); // left as it was
  });

  it('drops the rows with the job record, and with its tenant', async () => {
    serve('agent.chat.t1');
    const id = await submit('purge:2');
    expect((await finished(id)).status).toBe('completed');
    expect(await rowsOf(id)).toHaveLength(2);
    await moduleRef.get(JobRecordsRepository).remove(id);
    expect(await rowsOf(id)).toHaveLength(0);

    const other = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: other, name: `s2-${env.id}` });
    const theirs = await submit('purge:2', { tenant: other });
    expect((await finished(theirs)).status).toBe('completed');
    expect(await rowsOf(theirs)).toHaveLength(2);
    for (const sent of runs.get(theirs)![0].sent) await finished(sent);
    await dataSource.getRepository(TenantEntity).delete({ id: other });
    expect(await rowsOf(theirs)).toHaveLength(0);
  });
});
