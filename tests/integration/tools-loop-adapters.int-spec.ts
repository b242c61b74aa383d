import { Test, type TestingModule } from '@nestjs/testing';
import type { CapabilityScope } from '@switchboard/actors';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import type { LlmResponse, LlmRouting } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import type { JobEvent } from '@switchboard/streams';
import { ToolsCapability, ToolsModule } from '@switchboard/tools';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  startFakeProvider,
  type FakeKind,
  type FakeProviderServer,
} from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// `ctx.tools.run` through each provider adapter, streamed and not: a three-turn loop (one
// call, two calls in one turn, the answer) over the real router and the built-in tools, with
// each turn's usage equal to what the provider counted.

jest.setTimeout(60_000);

describe.each<FakeKind>(['openai', 'anthropic', 'ollama'])('tool loop through %s', (kind) => {
  let env: TestEnv;
  let fake: FakeProviderServer;
  let redis: Redis;
  let kit: RouterKit;
  let moduleRef: TestingModule;
  let capability: ToolsCapability;

  beforeAll(async () => {
    env = await createTestEnv();
    fake = await startFakeProvider(kind);
    redis = new Redis(TEST_REDIS_URL);
    kit = buildRouter(redis, env.env.QUEUE_PREFIX, {
      providers: [fakeProvider('p', fake)],
      models: [fakeModel('p', 'p-tools', [2], { capabilities: ['chat', 'tools'] })],
    });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('tools-adapters-test'), ToolsModule],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(env.env))
      .compile();
    await moduleRef.init();
    capability = moduleRef.get(ToolsCapability);
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await moduleRef?.close();
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
  });

  function job() {
    const controller = new AbortController();
    const routing: LlmRouting = { tier: 2, privacy: false, signal: controller.signal };
    const responses: LlmResponse[] = [];
    const events: JobEvent[] = [];
    const scope: CapabilityScope = {
      message: {
        jobId: randomUUID(),
        tenantId: randomUUID(),
        role: 'chat',
        tier: 2,
        privacy: false,
        input: { messages: [{ role: 'user', content: 'x' }] },
        attempt: 1,
      },
      llm: {
        chat: async (request) => {
          const response = await kit.router.chat(request, routing);
          responses.push(response);
          return response;
        },
        stream: async function* (request) {
          for await (const event of kit.router.stream(request, routing)) {
            if (event.type === 'done') responses.push(event.response);
            yield event;
          }
        },
        embed: (request) => kit.router.embed(request, routing),
        rerank: (request) => kit.router.rerank(request, routing),
      },
      signal: controller.signal,
      events: { token: () => undefined, publish: (event) => events.push(event) },
      steps: {
        once: () => Promise.reject(new Error('no side-effecting tool runs here')),
      },
      track: (work) => work,
    };
    return { tools: capability.forRun(scope), responses, events };
  }

  it.each([true, false])('runs three turns (stream: %s)', async (stream) => {
    fake.script(
      { type: 'ok', toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] },
      {
        type: 'ok',
        toolCalls: [
          { name: 'calculator', arguments: { expression: '2 + 2' } },
          { name: 'json_query', arguments: { json: '{"a":[1,2,3]}', path: '$.a[-1]' } },
        ],
      },
      { type: 'ok', text: 'forty two' },
    );
    const { tools, responses, events } = job();
    const result = await tools.run({
      messages: [{ role: 'user', content: 'what is 6 * 7?' }],
      maxTurns: 5,
      stream,
    });

    expect(result).toMatchObject({ stoppedBy: 'answer', turns: 3 });
    expect(result.response.text).toContain('forty');
    expect(result.calls.map((c) => [c.turn, c.name, c.outcome])).toEqual([
      [1, 'calculator', 'ok'],
      [2, 'calculator', 'ok'],
      [2, 'json_query', 'ok'],
    ]);
    // The model got each result back, tied to its call, in its provider's wire shape.
    const results = result.messages.filter((m) => m.role === 'tool');
    expect(results.map((m) => m.content)).toEqual(['42', '4', '[3]']);
    const third = JSON.stringify(fake.received[2].body);
    for (const call of result.messages.flatMap((m) =>
      m.role === 'assistant' ? (m.toolCalls ?? []) : [],
    )) {
      if (kind !== 'ollama') expect(third).toContain(call.id); // Ollama has no call ids
    }
    expect(third).toContain(kind === 'anthropic' ? 'tool_result' : '"tool"');
    // Every turn's usage is what the provider counted for it.
    expect(fake.calls).toHaveLength(3);
    expect(responses.map((r) => [r.usage.inputTokens, r.usage.outputTokens])).toEqual(
      fake.calls.map((c) => [c.inputTokens, c.outputTokens]),
    );
    expect(events.filter((e) => e.type === 'tool_result')).toHaveLength(3);
  });
});
