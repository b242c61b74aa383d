import OpenAI, { APIError } from 'openai';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from './app-process';
import { startFakeProvider, type FakeProviderServer } from './fake-providers';
import { createTenant, httpClient, type Http } from './http-client';
import { fakeModel, fakeProvider } from './router-kit';
import { createTestEnv, freePort, type TestEnv } from './test-env';
import { startApi, startWorker, stopAll } from './worker-kit';

// The platform the OpenAI-compatible suites drive with the official `openai` SDK: API and
// chat workers over fake OpenAI servers, whose counters are the ground truth.

/** What a fake answers by default (8 tokens). */
export const EIGHT = 'tok1 tok2 tok3 tok4 tok5 tok6 tok7 tok8';

export const user = (content: string) => [{ role: 'user' as const, content }];

export interface OpenAiPlatform {
  env: TestEnv;
  http: Http;
  /** A tenant key, and an SDK client using it. */
  key: string;
  client: OpenAI;
  /** An SDK client for another key (or another API). */
  sdk(apiKey: string, baseURL?: string): OpenAI;
  /** Hosted, tiers 1–3 (`x-model` at 1–2, `x-premium` at 3). */
  x: FakeProviderServer;
  /** Local, tiers 0–1. */
  local: FakeProviderServer;
  /** Always a 500, tier 2 (`down-model`). */
  down: FakeProviderServer;
  /** A token every 50 ms, tier 2 (`slow-model`). */
  slow: FakeProviderServer;
  /** A second API on the same stores, with a rate limit of 2 a minute and 2 KiB bodies. */
  strictUrl: string;
}

/** Starts the platform in `beforeAll` and stops it in `afterAll`; read fields inside hooks. */
export function useOpenAiPlatform(): OpenAiPlatform {
  const p = {} as OpenAiPlatform;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    [p.x, p.local, p.down, p.slow] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('openai', { tokenDelayMs: 50 }),
    ]);
    p.down.setDefault({ type: 'status', status: 500 });
    const catalogue = join(tmpdir(), `openai-compat-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('x', p.x),
          fakeProvider('local', p.local, { local: true }),
          fakeProvider('down', p.down),
          fakeProvider('slow', p.slow),
        ],
        models: [
          fakeModel('x', 'x-model', [1, 2], { priority: 1 }),
          fakeModel('x', 'x-premium', [3], { priority: 1 }),
          fakeModel('local', 'local-model', [0, 1], { priority: 2 }),
          fakeModel('down', 'down-model', [2], { priority: 3 }),
          fakeModel('slow', 'slow-model', [2], { priority: 4 }),
        ],
      }),
    );
    p.env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      LLM_INVOCATION_FLUSH_MS: '20',
      BUDGET_POOL_CACHE_MS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
      // One token event per provider delta, so a stream shows every token.
      STREAM_COALESCE_MS: '0',
    });
    const strictPort = String(await freePort());
    const env = p.env.env;
    apps.push(
      ...(await Promise.all([
        startApi(env),
        startApi({
          ...env,
          API_PORT: strictPort,
          RATE_LIMIT_PER_MINUTE: '2',
          API_BODY_LIMIT_BYTES: '2048',
        }),
        startWorker({ ...env, WORKER_POOLS: 'agent.chat.t*:4' }),
      ])),
    );
    p.strictUrl = `http://127.0.0.1:${strictPort}`;
    p.http = httpClient(`http://127.0.0.1:${env.API_PORT}`);
    p.sdk = (apiKey, baseURL = `http://127.0.0.1:${env.API_PORT}/v1`) =>
      new OpenAI({ baseURL, apiKey, maxRetries: 0 });
    p.key = (await createTenant(p.http, 'openai-sdk')).key;
    p.client = p.sdk(p.key);
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([p.x?.close(), p.local?.close(), p.down?.close(), p.slow?.close()]);
    await p.env?.cleanup();
  });

  return p;
}

/** The OpenAI error a call threw, checked to carry all of OpenAI's error members. */
export async function openAiError(call: Promise<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(APIError);
  const apiError = error as APIError;
  expect(Object.keys(apiError.error as object).sort()).toEqual([
    'code',
    'message',
    'param',
    'type',
  ]);
  return apiError;
}
