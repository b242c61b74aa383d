import { Test, type TestingModule } from '@nestjs/testing';
import type { CapabilityScope, DurableSteps } from '@switchboard/actors';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import type { LlmRouting } from '@switchboard/llm';
import { metricsRegistry } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import type { JobEvent } from '@switchboard/streams';
import {
  ToolInvocationsRepository,
  ToolLoop,
  ToolRegistry,
  ToolsCapability,
  ToolsModule,
  type ToolDefinition,
  type ToolRunRequest,
} from '@switchboard/tools';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// The tool loop end to end below the job runner: each turn through the real router to the
// fake OpenAI server (scripted tool calls), the built-in tools and a test source of tools
// (named git__* because coders may use those), rows in Postgres, events, metrics.

jest.setTimeout(60_000);

/** What the test source's tools saw. */
const seen = { running: 0, maxRunning: 0, pushes: 0 };

function testTool(name: string, extra: Partial<ToolDefinition>): ToolDefinition {
  return {
    name,
    description: `test tool ${name}`,
    inputSchema: { type: 'object', properties: { n: { type: 'integer' } } },
    origin: { kind: 'mcp', server: 'git' },
    privacyCompatible: true,
    sideEffects: false,
    parallel: true,
    timeoutMs: 5_000,
    maxOutputBytes: 1_000,
    check: (args) =>
      typeof args === 'object' && args !== null
        ? { ok: true, value: args }
        : { ok: false, error: 'must be an object' },
    invoke: async () => ({ content: 'ok' }),
    ...extra,
  };
}

const until = async (done: () => boolean, signal: AbortSignal) => {
  while (!done()) {
    if (signal.aborted) throw signal.reason as Error;
    await new Promise((r) => setTimeout(r, 5));
  }
};

const TEST_TOOLS = [
  // Finishes only once two calls run at the same time: proof that a turn ran them together.
  testTool('git__barrier', {
    invoke: async (_, { signal }) => {
      seen.running++;
      seen.maxRunning = Math.max(seen.maxRunning, seen.running);
      await until(() => seen.maxRunning >= 2, signal).finally(() => seen.running--);
      return { content: 'met' };
    },
  }),
  testTool('git__count', {
    invoke: async () => {
      seen.running++;
      seen.maxRunning = Math.max(seen.maxRunning, seen.running);
      await new Promise((r) => setTimeout(r, 5));
      seen.running--;
      return { content: 'counted' };
    },
  }),
  // Ignores its signal: the loop must stop waiting anyway.
  testTool('git__hang', { timeoutMs: 300, invoke: () => new Promise(() => undefined) }),
  testTool('git__big', { invoke: async () => ({ content: 'x'.repeat(2_000) }) }),
  testTool('git__fail', {
    invoke: async () => {
      throw new TypeError('boom');
    },
  }),
  testTool('git__push', {
    sideEffects: true,
    parallel: false,
    privacyCompatible: false,
    invoke: async () => ({ content: `pushed ${++seen.pushes}` }),
  }),
];

/** DurableSteps over an in-memory journal: what JournaledSteps records, kept across "runs". */
class MemorySteps implements DurableSteps {
  private position = 0;
  constructor(
    readonly journal: ({ state: 'started' } | { state: 'done'; value: unknown })[] = [],
  ) {}
  async once<T>(
    _label: string,
    work: () => Promise<T>,
  ): Promise<{ value: T } | { interrupted: true }> {
    const at = this.position++;
    const step = this.journal[at];
    if (step) return step.state === 'done' ? { value: step.value as T } : { interrupted: true };
    this.journal[at] = { state: 'started' };
    const value = await work();
    this.journal[at] = { state: 'done', value };
    return { value };
  }
}

describe('tool loop (real router, fake OpenAI, Postgres)', () => {
  let env: TestEnv;
  let fake: FakeProviderServer;
  let redis: Redis;
  let kit: RouterKit;
  let moduleRef: TestingModule;
  let capability: ToolsCapability;
  const tenantId = randomUUID();

  beforeAll(async () => {
    env = await createTestEnv();
    fake = await startFakeProvider('openai');
    redis = new Redis(TEST_REDIS_URL);
    kit = buildRouter(redis, env.env.QUEUE_PREFIX, {
      providers: [fakeProvider('x', fake, { local: true })],
      models: [fakeModel('x', 'x-tools', [1, 2], { capabilities: ['chat', 'tools'] })],
    });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('tools-loop-test'), ToolsModule],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(env.env))
      .compile();
    await moduleRef.init();
    moduleRef.get(ToolRegistry).addSource({ name: 'git', tools: () => TEST_TOOLS });
    capability = moduleRef.get(ToolsCapability);
  });

  afterEach(() => {
    fake.reset();
    Object.assign(seen, { running: 0, maxRunning: 0, pushes: 0 });
  });

  afterAll(async () => {
    await moduleRef?.close();
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
  });

  function job(extra: { privacy?: boolean; steps?: DurableSteps; allowedTools?: string[] } = {}) {
    const jobId = randomUUID();
    const events: JobEvent[] = [];
    const controller = new AbortController();
    const routing: LlmRouting = {
      tier: 1,
      privacy: extra.privacy ?? false,
      signal: controller.signal,
    };
    const scope: CapabilityScope = {
      message: {
        jobId,
        tenantId,
        role: 'coder',
        tier: 1,
        privacy: extra.privacy ?? false,
        input: { task: 'x' },
        attempt: 1,
        ...(extra.allowedTools ? { allowedTools: extra.allowedTools } : {}),
      },
      llm: {
        chat: (request) => kit.router.chat(request, routing),
        stream: (request) => kit.router.stream(request, routing),
        embed: (request) => kit.router.embed(request, routing),
        rerank: (request) => kit.router.rerank(request, routing),
      },
      signal: controller.signal,
      events: { token: () => undefined, publish: (e) => events.push(e) },
      steps: extra.steps ?? new MemorySteps(),
      track: (work) => work,
    };
    return { jobId, events, controller, scope, tools: capability.forRun(scope) };
  }

  const ask = (extra: Partial<ToolRunRequest> = {}): ToolRunRequest => ({
    messages: [{ role: 'user', content: 'work it out' }],
    maxTurns: 5,
    ...extra,
  });

  const rows = (jobId: string) =>
    queryEnv<Record<string, unknown>>(
      env,
      `SELECT tool, server, turn, outcome, error_class, argument_bytes, result_bytes, arguments,
              duration_ms FROM tool_invocations WHERE job_id = $1 ORDER BY id`,
      [jobId],
    );

  const metric = async (tool: string, outcome: string) => {
    const values = (await metricsRegistry.getSingleMetric('switchboard_tool_calls_total')!.get())
      .values;
    return values.find((v) => v.labels.tool === tool && v.labels.outcome === outcome)?.value ?? 0;
  };

  it('runs a three-turn loop: one call, two calls in parallel, then the answer', async () => {
    const before = await metric('calculator', 'ok');
    fake.script(
      { type: 'ok', toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] },
      {
        type: 'ok',
        toolCalls: [
          { name: 'json_query', arguments: { json: '{"a":[1,2,3]}', path: '$.a[-1]' } },
          { name: 'git__barrier', arguments: {} },
          { name: 'git__barrier', arguments: { n: 2 } },
        ],
      },
      { type: 'ok', text: 'It is 42' },
    );
    const { jobId, events, tools } = job();
    const result = await tools.run(ask());

    expect(result).toMatchObject({ stoppedBy: 'answer', turns: 3, response: { text: 'It is 42' } });
    expect(result.calls.map((c) => [c.turn, c.name, c.outcome])).toEqual([
      [1, 'calculator', 'ok'],
      [2, 'json_query', 'ok'],
      [2, 'git__barrier', 'ok'],
      [2, 'git__barrier', 'ok'],
    ]);
    expect(seen.maxRunning).toBe(2);
    expect(result.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'tool',
      'tool',
      'assistant',
    ]);
    expect(result.messages[2]).toMatchObject({ role: 'tool', name: 'calculator', content: '42' });
    expect(result.messages[4]).toMatchObject({ name: 'json_query', content: '[3]' });

    // What the provider received: the coder's tools as definitions, then the tool results.
    const [first, , third] = fake.received.map((r) => r.body as Record<string, any>);
    expect(first.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      'calculator',
      'code_check',
      'current_time',
      'git__barrier',
      'git__big',
      'git__count',
      'git__fail',
      'git__hang',
      'git__push',
      'http_fetch',
      'http_request',
      'json_query',
    ]);
    expect(first.tools[0].function.parameters).toMatchObject({ required: ['expression'] });
    expect(third.messages.filter((m: { role: string }) => m.role === 'tool')).toHaveLength(4);

    const stored = await rows(jobId);
    expect(stored.map((r) => [r.tool, r.server, r.turn, r.outcome])).toEqual([
      ['calculator', 'local', 1, 'ok'],
      ['json_query', 'local', 2, 'ok'],
      ['git__barrier', 'git', 2, 'ok'],
      ['git__barrier', 'git', 2, 'ok'],
    ]);
    expect(stored[0]).toMatchObject({
      arguments: null,
      argument_bytes: Buffer.byteLength('{"expression":"6 * 7"}'),
      result_bytes: 2,
      error_class: null,
    });

    const toolEvents = events.filter((e) => e.type === 'tool_call' || e.type === 'tool_result');
    expect(toolEvents.slice(0, 2)).toEqual([
      {
        type: 'tool_call',
        callId: result.calls[0].callId,
        name: 'calculator',
        server: 'local',
        arguments: { expression: '6 * 7' },
        turn: 1,
      },
      {
        type: 'tool_result',
        callId: result.calls[0].callId,
        name: 'calculator',
        outcome: 'ok',
        durationMs: expect.any(Number),
        outputBytes: 2,
        preview: '42',
      },
    ]);
    expect(toolEvents).toHaveLength(8);
    expect(await metric('calculator', 'ok')).toBe(before + 1);
  });

  it('runs calls in order when the request or a tool says so', async () => {
    const twoCounts = {
      type: 'ok' as const,
      toolCalls: [
        { name: 'git__count', arguments: {} },
        { name: 'git__count', arguments: { n: 1 } },
      ],
    };
    fake.script(twoCounts, { type: 'ok', text: 'done' });
    const result = await job().tools.run(ask({ parallel: false }));
    expect(result.calls.map((c) => c.outcome)).toEqual(['ok', 'ok']);
    expect(seen.maxRunning).toBe(1);
    expect(fake.received[0].body.parallel_tool_calls).toBe(false);
  });

  it('tells the model about bad calls and carries on: JSON, schema, unknown, not allowed, thrown, timeout, too large', async () => {
    fake.script(
      {
        type: 'ok',
        toolCalls: [
          { name: 'calculator', arguments: '{"expression": "1+' },
          { name: 'calculator', arguments: { expr: '1' } },
          { name: 'no_such_tool', arguments: {} },
          { name: 'git__push', arguments: {} },
          { name: 'git__fail', arguments: {} },
          { name: 'git__hang', arguments: {} },
          { name: 'git__big', arguments: {} },
        ],
      },
      { type: 'ok', text: 'sorry' },
    );
    const { jobId, tools } = job({ privacy: true });
    const result = await tools.run(ask());
    expect(result.stoppedBy).toBe('answer');
    expect(result.calls.map((c) => [c.name, c.outcome, c.errorClass])).toEqual([
      ['calculator', 'invalid_arguments', 'invalid_json'],
      ['calculator', 'invalid_arguments', 'schema'],
      ['no_such_tool', 'error', 'unknown_tool'],
      ['git__push', 'error', 'not_allowed'],
      ['git__fail', 'error', 'TypeError'],
      ['git__hang', 'timeout', 'timeout'],
      ['git__big', 'too_large', 'output_too_large'],
    ]);
    expect(seen.pushes).toBe(0);
    const told = result.messages.filter((m) => m.role === 'tool');
    expect(told.every((m) => m.role === 'tool' && m.isError)).toBe(true);
    expect(told.map((m) => m.content)).toEqual([
      expect.stringMatching(/not valid JSON/),
      expect.stringMatching(/Invalid arguments for 'calculator': expression: /),
      expect.stringMatching(/There is no tool 'no_such_tool'/),
      expect.stringMatching(/'git__push' is not available to this job/),
      'The tool failed: boom',
      'The tool did not finish within 300 ms and was stopped.',
      expect.stringMatching(/2000 bytes, over its limit of 1000/),
    ]);
    // The provider got every error back as a tool message.
    const sent = fake.received[1].body.messages.filter((m: { role: string }) => m.role === 'tool');
    expect(sent).toHaveLength(7);
    expect((await rows(jobId)).map((r) => r.outcome)).toEqual([
      'invalid_arguments',
      'invalid_arguments',
      'error',
      'error',
      'error',
      'timeout',
      'too_large',
    ]);
  });

  it('detects a loop: the repeated call is refused, and the run stops if the model keeps on', async () => {
    const query = { json: '{"a":1}', path: '$.a' };
    const again = { type: 'ok' as const, toolCalls: [{ name: 'json_query', arguments: query }] };
    // The same arguments in another key order are the same call.
    const reordered = {
      type: 'ok' as const,
      toolCalls: [{ name: 'json_query', arguments: '{"path":"$.a","json":"{\\"a\\":1}"}' }],
    };
    fake.script(again, reordered, again, again, { type: 'ok', text: 'never asked' });
    const { jobId, tools } = job();
    const result = await tools.run(ask({ maxTurns: 10 }));
    expect(result).toMatchObject({ stoppedBy: 'loop', turns: 4 });
    expect(result.calls.map((c) => c.outcome)).toEqual(['ok', 'ok', 'loop', 'loop']);
    expect(result.calls[2].error).toMatch(/made 3 times in this run; it was not run again/);
    expect(fake.received).toHaveLength(4);
    expect((await rows(jobId)).map((r) => r.outcome)).toEqual(['ok', 'ok', 'loop', 'loop']);
  });

  it("stops at maxTurns without running the last turn's calls", async () => {
    const call = (n: number) => ({
      type: 'ok' as const,
      toolCalls: [{ name: 'git__count', arguments: { n } }],
    });
    fake.script(call(1), call(2), call(3));
    const result = await job().tools.run(ask({ maxTurns: 2 }));
    expect(result).toMatchObject({ stoppedBy: 'max_turns', turns: 2 });
    expect(result.calls).toHaveLength(1);
    expect(result.response.toolCalls).toHaveLength(1);
    expect(result.messages.at(-1)).toMatchObject({ role: 'tool', content: 'counted' });
  });

  it('runs a side-effecting call once: a re-run gets the recorded outcome, an interrupted one is not redone', async () => {
    const push = { type: 'ok' as const, toolCalls: [{ name: 'git__push', arguments: {} }] };
    const steps = new MemorySteps();
    fake.script(push, { type: 'ok', text: 'pushed' });
    const first = await job({ steps }).tools.run(ask());
    expect(first.calls[0]).toMatchObject({ outcome: 'ok' });
    expect(seen.pushes).toBe(1);

    // The same job again (its steps replayed): the tool is not called.
    fake.script(push, { type: 'ok', text: 'pushed' });
    const again = await job({ steps: new MemorySteps(steps.journal) }).tools.run(ask());
    expect(again.messages[2]).toMatchObject({ role: 'tool', content: 'pushed 1' });
    expect(seen.pushes).toBe(1);

    // Started and never recorded (the worker died): the model is told, nothing runs.
    fake.script(push, { type: 'ok', text: 'will check' });
    const lost = await job({ steps: new MemorySteps([{ state: 'started' }]) }).tools.run(ask());
    expect(lost.calls[0]).toMatchObject({ outcome: 'interrupted' });
    expect(lost.messages[2]).toMatchObject({
      isError: true,
      content: expect.stringMatching(/unknown.*NOT run again/s),
    });
    expect(seen.pushes).toBe(1);
  });

  it('keeps argument values only when TOOLS_LOG_ARGUMENTS is set', async () => {
    fake.script(
      { type: 'ok', toolCalls: [{ name: 'calculator', arguments: { expression: '2+2' } }] },
      { type: 'ok', text: '4' },
    );
    const { jobId, scope } = job();
    const loop = new ToolLoop(
      scope,
      moduleRef.get(ToolRegistry),
      moduleRef.get(ToolInvocationsRepository),
      {
        logArguments: true,
        loopRepeatLimit: 3,
      },
    );
    await loop.run(ask());
    expect((await rows(jobId))[0].arguments).toEqual({ expression: '2+2' });
  });

  it('ends the run when the job is cancelled during a call', async () => {
    fake.script({ type: 'ok', toolCalls: [{ name: 'git__barrier', arguments: {} }] });
    const { controller, tools } = job();
    const running = tools.run(ask());
    const reason = new Error('cancelled');
    await until(() => seen.running === 1, new AbortController().signal);
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
  });

  it('narrows the tools by the job and by the request', async () => {
    fake.script({ type: 'ok', text: 'fine' });
    await job({ allowedTools: ['code_check', 'git__*'] }).tools.run(
      ask({ tools: ['code_*', 'git__c*'] }),
    );
    expect(
      fake.received[0].body.tools.map((t: { function: { name: string } }) => t.function.name),
    ).toEqual(['code_check', 'git__count']);
  });
});
