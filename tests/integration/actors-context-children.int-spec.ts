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
import type { JobData, JobResult } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { JobEntity, PersistenceModule, TenantEntity } from '@switchboard/persistence';
import { JobSubmissionService, QueueModule, bullWorkerOptions } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// What a job's context gives the children it sends, through the real JobRunner under BullMQ:
// the parent's routing rules (escalation ceiling above the child's tier, stream failover
// policy, budget policy, trace), and a refusal, for good, of a child whose input breaks its
// role's schema. No worker serves the children's mailboxes: they stay queued.

const chat = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
/** The ids send() answered, by parent job id. */
const sent = new Map<string, string[]>();

@Actor('planner')
class SendingPlanner implements ActorHandler<'planner'> {
  async handle(
    { jobId, input }: ActorMessage<'planner'>,
    ctx: ActorContext,
  ): Promise<JobResult<'planner'>> {
    const ids: string[] = [];
    sent.set(jobId, ids);
    if (input.goal === 'invalid child') {
      await ctx.send('chat', { messages: [] });
    } else {
      ids.push((await ctx.send('chat', chat('at my tier'))).jobId);
      ids.push((await ctx.send('chat', chat('at the top'), { tier: 3 })).jobId);
    }
    return { text: 'sent', usage: ctx.usage(), model: 'm', provider: 'p', steps: [] };
  }
}

const PlannerActor = ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === 'planner')!;

jest.setTimeout(60_000);

describe("a job's children (actor runtime on BullMQ)", () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let worker: Worker<JobData>;

  const submit = async (goal: string, extra: Record<string, unknown> = {}) => {
    const { record } = await moduleRef.get(JobSubmissionService).submit(tenantId, {
      role: 'planner',
      tier: 1,
      input: { goal },
      privacy: false,
      ...extra,
    } as never);
    return record.id;
  };
  const finished = (id: string) =>
    waitUntil(async () => {
      const r = await jobs.findOneBy({ id });
      return r && ['completed', 'failed'].includes(r.status) && r;
    }, `${id} to finish`);

  beforeAll(async () => {
    env = await createTestEnv({ LLM_HEALTH_INTERVAL_MS: '600000' });
    const config = loadConfig(env.env);
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('actors-context-children-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(config)
      .overrideProvider(PlannerActor)
      .useClass(SendingPlanner)
      .compile();
    await moduleRef.init();
    const dataSource = moduleRef.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `c-${env.id}` });
    jobs = dataSource.getRepository(JobEntity);
    const runner = moduleRef.get(JobRunner);
    worker = new Worker<JobData>(
      'agent.planner.t1',
      (job, token) => runner.run(job, token),
      bullWorkerOptions(config.redis, config.worker, { concurrency: 2 }),
    );
    worker.on('error', () => undefined);
  });

  afterAll(async () => {
    await worker?.close();
    await moduleRef?.close();
    await env?.cleanup();
  });

  it("gives sent children the parent's routing rules, and its ceiling only above their tier", async () => {
    const id = await submit('inherit', {
      maxTier: 3,
      streamFailover: 'restart',
      budgetPolicy: 'defer',
      allowedTools: ['calculator'],
    });
    expect(await finished(id)).toMatchObject({ status: 'completed' });
    const [mine, top] = sent.get(id)!;
    const parent = (await jobs.findOneBy({ id }))!;
    const child = async (childId: string) => (await jobs.findOneBy({ id: childId }))!;
    expect(await child(mine)).toMatchObject({
      role: 'chat',
      tier: 1,
      maxTier: 3,
      streamFailover: 'restart',
      budgetPolicy: 'defer',
      allowedTools: ['calculator'],
      traceId: parent.traceId,
    });
    expect(await child(top)).toMatchObject({
      tier: 3,
      maxTier: null,
      streamFailover: 'restart',
      budgetPolicy: 'defer',
    });
  });

  it('passes on no rule the parent did not have', async () => {
    const id = await submit('plain');
    expect(await finished(id)).toMatchObject({ status: 'completed' });
    const [mine] = sent.get(id)!;
    expect(await jobs.findOneBy({ id: mine })).toMatchObject({
      tier: 1,
      maxTier: null,
      streamFailover: null,
      budgetPolicy: null,
      allowedTools: null,
    });
  });

  it('fails the job for good when a child breaks its schema, submitting nothing', async () => {
    const id = await submit('invalid child');
    const failed = await finished(id);
    expect(failed).toMatchObject({ status: 'failed', attemptsMade: 1 });
    expect(failed.error).toMatchObject({ code: 'invalid-child-input', retryable: false });
    expect(failed.error?.message).toMatch(/^Invalid input for child 'chat'/);
    expect(await jobs.countBy({ traceId: failed.traceId! })).toBe(1);
  });
});
