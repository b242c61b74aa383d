import { Test, type TestingModule } from '@nestjs/testing';
import type { JobData } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
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
import { RedisModule } from '@switchboard/redis';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { mailboxQueue, waitUntil } from '../support/worker-kit';

// JobControlService.retry against real Postgres and BullMQ: one conditional write on the
// record decides which of concurrent replays replays the job, whatever state BullMQ holds it
// in (failed, gone, or still moving it out of active). A bare BullMQ worker stands in for the
// runner: the first run of each job fails for good, later runs complete.

const MAILBOX = 'agent.chat.t1';
const ERROR = { message: 'it broke', code: 'boom', retryable: false };

jest.setTimeout(60_000);

describe('retry of a failed job (JobControlService)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let worker: Worker<JobData>;
  let tenantId: string;
  let control: JobControlService;
  let records: JobRecordsRepository;
  const queue = () => mailboxQueue(env, MAILBOX);
  /** How many times the worker ran each job. */
  const runs = new Map<string, number>();
  /** A first run that waits for the test before it fails. */
  const gates = new Map<string, Promise<void>>();

  const processJob = async (job: Job<JobData>): Promise<string> => {
    const id = job.id!;
    runs.set(id, (runs.get(id) ?? 0) + 1);
    if (runs.get(id)! > 1) return 'done';
    await gates.get(id);
    throw new UnrecoverableError(ERROR.message);
  };

  /** A job whose first run failed: its record says failed, BullMQ is failing it (or has). */
  const failedJob = async (opts: { gate?: Promise<void> } = {}): Promise<JobEntity> => {
    const id = randomUUID();
    if (opts.gate) gates.set(id, opts.gate);
    await moduleRef
      .get(JobSubmissionService)
      .submit(
        tenantId,
        { role: 'chat', tier: 1, input: { messages: [{ role: 'user', content: 'hi' }] } } as never,
        { id },
      );
    await waitUntil(async () => runs.get(id) === 1, `the first run of ${id}`);
    // The runner writes the record before BullMQ moves the job out of active.
    await records.markFailed(id, ERROR, 1, true);
    return (await records.findById(id))!;
  };
  const bullState = async (id: string) => {
    const q = queue();
    try {
      return await q.getJobState(id);
    } finally {
      await q.close();
    }
  };

  beforeAll(async () => {
    env = await createTestEnv();
    const config = loadConfig(env.env);
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('retry-int-spec'),
        RedisModule,
        QueueModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await moduleRef.init();
    const dataSource = moduleRef.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `r-${env.id}` });
    control = moduleRef.get(JobControlService);
    records = moduleRef.get(JobRecordsRepository);
    worker = new Worker<JobData>(
      MAILBOX,
      processJob,
      bullWorkerOptions(config.redis, config.worker, { concurrency: 4 }),
    );
    worker.on('error', () => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await worker?.close();
    await moduleRef?.close();
    await env?.cleanup();
  });

  it('of 10 concurrent retries exactly one replays the job; it runs once more', async () => {
    const record = await failedJob();
    await waitUntil(async () => (await bullState(record.id)) === 'failed', 'BullMQ failed');

    const outcomes = await Promise.all(Array.from({ length: 10 }, () => control.retry(record)));
    expect(outcomes.filter((o) => o === 'retried')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'not-failed')).toHaveLength(9);

    await waitUntil(async () => (await bullState(record.id)) === 'completed', 'the replay');
    expect(runs.get(record.id)).toBe(2);
    expect(await records.findById(record.id)).toMatchObject({ error: null, finishedAt: null });
  });

  it('a job BullMQ no longer holds is enqueued afresh', async () => {
    const record = await failedJob();
    await waitUntil(async () => (await bullState(record.id)) === 'failed', 'BullMQ failed');
    const q = queue();
    await (await q.getJob(record.id))!.remove();
    await q.close();

    expect(await control.retry(record)).toBe('retried');
    await waitUntil(async () => (await bullState(record.id)) === 'completed', 'the replay');
    expect(runs.get(record.id)).toBe(2);
  });

  it('a retry landing before BullMQ has moved the failed run out of active waits for it', async () => {
    let release!: () => void;
    const record = await failedJob({ gate: new Promise<void>((r) => (release = r)) });
    expect(await bullState(record.id)).toBe('active');

    const retry = control.retry(record);
    release();
    expect(await retry).toBe('retried');
    await waitUntil(async () => (await bullState(record.id)) === 'completed', 'the replay');
    expect(runs.get(record.id)).toBe(2);
  });

  it('when the replay cannot be enqueued, the job is failed as before and can be retried', async () => {
    const record = await failedJob();
    await waitUntil(async () => (await bullState(record.id)) === 'failed', 'BullMQ failed');
    const q = queue();
    await (await q.getJob(record.id))!.remove();
    await q.close();
    const submission = moduleRef.get(JobSubmissionService);
    jest.spyOn(submission, 'reenqueue').mockRejectedValueOnce(new Error('queue down'));

    await expect(control.retry(record)).rejects.toThrow('queue down');
    expect(await records.findById(record.id)).toMatchObject({
      status: 'failed',
      error: ERROR,
      attemptsMade: 1,
      finishedAt: record.finishedAt,
    });
    expect(runs.get(record.id)).toBe(1);

    expect(await control.retry(record)).toBe('retried');
    await waitUntil(async () => (await bullState(record.id)) === 'completed', 'the replay');
    expect(runs.get(record.id)).toBe(2);
  });

  it('a job that is not failed is left alone', async () => {
    const record = await failedJob();
    await waitUntil(async () => (await bullState(record.id)) === 'failed', 'BullMQ failed');
    const fresh = { ...record, status: 'completed' } as JobEntity;
    expect(await control.retry(fresh)).toBe('not-failed');
    await records.setStatus(record.id, 'completed');
    expect(await control.retry(record)).toBe('not-failed');
    expect(await bullState(record.id)).toBe('failed');
    expect(runs.get(record.id)).toBe(1);
  });
});
