import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from './app-process';
import {
  startFakeProvider,
  type FakeBehaviour,
  type FakeProviderServer,
  type FakeToolCall,
  type ReceivedRequest,
} from './fake-providers';
import { createTenant, httpClient, type Http } from './http-client';
import { fakeModel, fakeProvider } from './router-kit';
import { createTestEnv, type TestEnv } from './test-env';
import { startApi, startWorker, stopAll } from './worker-kit';

// The platform the tool-calling suites of the OpenAI-compatible front door drive with the
// official SDKs (openai, LangChain, the AI SDK): API and chat workers over a fake OpenAI server
// whose model calls tools, and one whose model cannot.

export interface ToolsPlatform {
  env: TestEnv;
  http: Http;
  /** A tenant key, the API's OpenAI base URL, and an `openai` client using both. */
  key: string;
  baseURL: string;
  client: OpenAI;
  /** Tiers 1–2 (`x-tools`): chat, tools, json_schema and vision. */
  x: FakeProviderServer;
  /** Tier 3 (`plain-model`): chat only. */
  plain: FakeProviderServer;
  /** `slow/slow-tools` (tier 2, pinned by name): like `x`, an event every 150 ms. */
  slow: FakeProviderServer;
}

/** Starts the platform in `beforeAll` and stops it in `afterAll`; read fields inside hooks. */
export function useToolsPlatform(): ToolsPlatform {
  const p = {} as ToolsPlatform;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    [p.x, p.plain, p.slow] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('openai', { tokenDelayMs: 150 }),
    ]);
    const catalogue = join(tmpdir(), `openai-tools-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('x', p.x),
          fakeProvider('plain', p.plain),
          fakeProvider('slow', p.slow),
        ],
        models: [
          fakeModel('x', 'x-tools', [1, 2], {
            capabilities: ['chat', 'tools', 'json_schema', 'vision'],
          }),
          fakeModel('plain', 'plain-model', [3]),
          fakeModel('slow', 'slow-tools', [2], {
            capabilities: ['chat', 'tools'],
            priority: 9,
          }),
        ],
      }),
    );
    p.env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      LLM_INVOCATION_FLUSH_MS: '20',
      BUDGET_POOL_CACHE_MS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
      // One event per provider delta, so a stream shows every piece.
      STREAM_COALESCE_MS: '0',
    });
    const env = p.env.env;
    apps.push(
      ...(await Promise.all([
        startApi(env),
        startWorker({ ...env, WORKER_POOLS: 'agent.chat.t*:4' }),
      ])),
    );
    p.http = httpClient(`http://127.0.0.1:${env.API_PORT}`);
    p.baseURL = `http://127.0.0.1:${env.API_PORT}/v1`;
    p.key = (await createTenant(p.http, 'openai-tools')).key;
    p.client = new OpenAI({ baseURL: p.baseURL, apiKey: p.key, maxRetries: 0 });
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([p.x?.close(), p.plain?.close(), p.slow?.close()]);
    await p.env?.cleanup();
  });

  return p;
}

/** The tool results (role `tool`) a request sent to the provider carried. */
export function toolResults(
  request: ReceivedRequest,
): { tool_call_id: string; content: unknown }[] {
  const messages = (request.body?.messages ?? []) as { role: string }[];
  return messages.filter((m) => m.role === 'tool') as never;
}

/**
 * A model that calls `calls` until a tool result comes back, then answers `answer`: what a
 * client-side tool loop needs from its provider.
 */
export function callsToolsThenAnswers(calls: FakeToolCall[], answer: string) {
  return (request: ReceivedRequest): FakeBehaviour | undefined =>
    toolResults(request).length > 0
      ? { type: 'ok', text: answer }
      : request.body?.tools
        ? { type: 'ok', toolCalls: calls }
        : undefined;
}

/** The weather tool the suites declare, as OpenAI takes it. */
export const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city'],
  additionalProperties: false,
};

export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: WEATHER_PARAMETERS,
  },
};
