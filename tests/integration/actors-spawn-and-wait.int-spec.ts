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
import { LlmService, contentText, type LlmRequest, type LlmResponse } from '@switchboard/llm';
import { JobEntity, PersistenceModule, TenantEntity } from '@switchboard/persistence';
import { JobSubmissionService, QueueModule, bullWorkerOptions } from '@switchboard/queue';
import { RedisModule, redisOptionsFromUrl } from '@switchboard/redis';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// spawnAndWait and send through the real runtime: JobRunner under BullMQ workers, real Redis
// and Postgres. The planner is swapped for a test actor that calls the LLM, sends, fans out.

const chat = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** Handler runs and send() answers, by parent job id: a replay runs the handler again. */
const runs = new Map<string, number>();
const sent = new Map<string, string[]>();

@Actor('planner')
class FanOutPlanner implements ActorHandler<'planner'> {
  async handle(
    { jobId, input }: ActorMessage<'planner'>,
    ctx: ActorContext,
  ): Promise<JobResult<'planner'>> {
    runs.set(jobId, (runs.get(jobId) ?? 0) + 1);
    const plan = await ctx.llm.chat({
      messages: [{ role: 'user', content: `plan: ${input.goal}` }],
    });
    if (input.goal.startsWith('send')) {
      const { jobId: sentId } = await ctx.send('chat', chat(`sent by ${jobId}`));
      sent.set(jobId, [...(sent.get(jobId) ?? []), sentId]);
    }
    await ctx.progress({ stage: 'planned', runs: runs.get(jobId) });
    const second = input.goal.includes('fail') ? 'second [[simulate:error]]' : `second of ${jobId}`;
    const [a, b] = await ctx.spawnAndWait([
      { role: 'chat', input: chat(`first of ${jobId}`) },
      { role: 'chat', input: chat(second) },
    ]);
    return {
      text: plan.text,
      usage: ctx.usage(),
      model: plan.model,
      provider: plan.provider,
      steps: [a.text, b.text],
    };
  }
}

const PlannerActor = ROLE_ACTORS.find((a) => Reflect.getMetadata(ACTOR_ROLE, a) === 'planner')!;

jest.setTimeout(120_000);

describe('spawnAndWait and send (actor runtime on BullMQ)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let jobs: Repository<JobEntity>;
  let tenantId: string;
  let plannerQueue: Queue;
  const workers: Worker[] = [];
  /** Every real LLM call: the first user message and its response. */
  const llmCalls: { content: string; response: LlmResponse }[] = [];
  const submitted: string[] = [];

  const startWorker = (mailbox: string) => {
    const runner = moduleRef.get(JobRunner);
    const { redis, worker: settings } = loadConfig(env.env);
    const worker = new Worker<JobData>(
      mailbox,
      (job, token) => runner.run(job, token),
      bullWorkerOptions(redis, settings, { concurrency: 4 }),
    );
    worker.on('error', () => undefined);
    workers.push(worker);
  };

  const submitPlanner = async (goal: string, privacy = false): Promise<string> => {
    const { record } = await moduleRef
      .get(JobSubmissionService)
      .submit(tenantId, { role: 'planner', tier: 1, input: { goal }, privacy });
    return record.id;
  };

  const record = async (id: string) => (await jobs.findOneBy({ id }))!;
  const finished = (id: string, timeoutMs = 30_000) =>
    waitUntil(
      async () => {
        const r = await record(id);
        return ['completed', 'failed'].includes(r.status) && r;
      },
      `job ${id} to finish`,
      timeoutMs,
    );
  /** A parent's child records in spawn order (the first child's input says 'first'). */
  const childrenOf = async (id: string) => {
    const rows = await jobs.findBy({ parentId: id });
    const rank = (r: JobEntity) =>
      (r.input as ReturnType<typeof chat>).messages[0].content.startsWith('first') ? 0 : 1;
    return rows.sort((x, y) => rank(x) - rank(y));
  };
  const plannerCalls = (goal: string) => llmCalls.filter((c) => c.content === `plan: ${goal}`);

  beforeAll(async () => {
    env = await createTestEnv();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('actors-int-spec'),
        RedisModule,
        QueueModule,
        ActorsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(env.env))
      .overrideProvider(PlannerActor)
      .useClass(FanOutPlanner)
      .compile();
    await moduleRef.init();

    const llm = moduleRef.get(LlmService);
    const clientFor = llm.clientFor.bind(llm);
    jest.spyOn(llm, 'clientFor').mockImplementation((routing) => {
      const client = clientFor(routing);
      return {
        chat: async (request: LlmRequest) => {
          const response = await client.chat(request);
          llmCalls.push({ content: contentText(request.messages[0].content), response });
          return response;
        },
        stream: (request: LlmRequest) => client.stream(request),
        embed: (request) => client.embed(request),
        rerank: (request) => client.rerank(request),
      };
    });
    const submission = moduleRef.get(JobSubmissionService);
    const submit = submission.submit.bind(submission);
    jest.spyOn(submission, 'submit').mockImplementation(async (tenant, request, opts) => {
      submitted.push(JSON.stringify(request.input));
      return submit(tenant, request, opts);
    });

    const dataSource = moduleRef.get(DataSource);
    tenantId = randomUUID();
    await dataSource.getRepository(TenantEntity).insert({ id: tenantId, name: `actors-${env.id}` });
    jobs = dataSource.getRepository(JobEntity);
    const { connection, prefix } = {
      connection: redisOptionsFromUrl(env.env.REDIS_URL),
      prefix: env.env.QUEUE_PREFIX,
    };
    plannerQueue = new Queue('agent.planner.t1', { connection, prefix });
    // Only the parent's mailbox is served at first, so the parent is seen waiting.
    startWorker('agent.planner.t1');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await plannerQueue?.close();
    await moduleRef?.close();
    await env?.cleanup();
  });

  it('waits for its children without holding a slot, then resumes with their results in order', async () => {
    const id = await submitPlanner('fan out');

    await waitUntil(
      async () => (await record(id)).status === 'waiting_children',
      `${id} waiting_children`,
    );
    expect(await plannerQueue.getJobState(id)).toBe('waiting-children');
    expect(await plannerQueue.getActiveCount()).toBe(0);
    const waiting = await childrenOf(id);
    expect(waiting.map((c) => [c.role, c.tier, c.status, c.parentId])).toEqual([
      ['chat', 1, 'queued', id],
      ['chat', 1, 'queued', id],
    ]);

    startWorker('agent.chat.t1');
    const parent = await finished(id);
    expect(parent.status).toBe('completed');
    const children = await childrenOf(id);
    expect(children.map((c) => c.status)).toEqual(['completed', 'completed']);
    const result = parent.result as JobResult<'planner'>;
    expect(result.steps).toEqual(children.map((c) => (c.result as JobResult<'chat'>).text));
    expect(result.steps[0]).not.toEqual(result.steps[1]);

    // The handler ran twice, but the LLM call before the spawn was made once: replayed.
    expect(runs.get(id)).toBe(2);
    const [plan, ...again] = plannerCalls('fan out');
    expect(again).toHaveLength(0);
    expect(result.text).toBe(plan.response.text);
    expect(plan.response.usage).toMatchObject(result.usage);
    // Progress reaches the record and BullMQ; the second run's report is the last one.
    expect(parent.progress).toEqual({ stage: 'planned', runs: 2 });
    expect((await plannerQueue.getJob(id))?.progress).toEqual({ stage: 'planned', runs: 2 });
    expect([parent.inputTokens, parent.outputTokens, parent.costMicros]).toEqual([
      plan.response.usage.inputTokens,
      plan.response.usage.outputTokens,
      plan.response.usage.costMicros,
    ]);
  });

  it('fails the parent with child-failed when a child fails for good', async () => {
    const id = await submitPlanner('fail one child');
    const parent = await finished(id, 60_000);
    expect(parent.status).toBe('failed');
    expect(parent.error).toMatchObject({ code: 'child-failed', retryable: false });

    const [ok, bad] = await childrenOf(id);
    expect(ok.status).toBe('completed');
    expect(bad.status).toBe('failed');
    expect(bad.attemptsMade).toBe(3);
    expect(bad.error).toMatchObject({ code: 'providers-exhausted' });
    expect(parent.error?.message).toContain(bad.id);
    expect(parent.error?.message).not.toContain(ok.id);
    expect(await plannerQueue.getJobState(id)).toBe('failed');
    expect(plannerCalls('fail one child')).toHaveLength(1);
  });

  it('sends one message per send step, and a replay does not send it again', async () => {
    const id = await submitPlanner('send and fan out');
    const parent = await finished(id);
    expect(parent.status).toBe('completed');
    expect(runs.get(id)).toBe(2);

    // Both runs got the same id back, and it was submitted once.
    const [first, replayed] = sent.get(id)!;
    expect(replayed).toBe(first);
    expect(submitted.filter((s) => s.includes(`sent by ${id}`))).toHaveLength(1);
    const rows = (await jobs.findBy({ tenantId, role: 'chat' })).filter((r) =>
      JSON.stringify(r.input).includes(`sent by ${id}`),
    );
    expect(rows.map((r) => r.id)).toEqual([first]);
    expect((await finished(first)).status).toBe('completed');
    expect(plannerCalls('send and fan out')).toHaveLength(1);
  });

  it("keeps a private parent's children private", async () => {
    const id = await submitPlanner('private fan out', true);
    const parent = await finished(id);
    expect(parent.status).toBe('completed');
    expect(parent.privacy).toBe(true);
    const children = await childrenOf(id);
    expect(children.map((c) => c.privacy)).toEqual([true, true]);
    const chatQueue = new Queue('agent.chat.t1', {
      connection: redisOptionsFromUrl(env.env.REDIS_URL),
      prefix: env.env.QUEUE_PREFIX,
    });
    try {
      for (const child of children) {
        expect((await chatQueue.getJob(child.id))?.data.privacy).toBe(true);
      }
    } finally {
      await chatQueue.close();
    }
  });
});
