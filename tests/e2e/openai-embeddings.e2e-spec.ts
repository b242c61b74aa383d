import { OpenAIEmbeddings } from '@langchain/openai';
import { cosine } from '@switchboard/llm';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { AppProcess } from '../support/app-process';
import {
  embeddingFor,
  startFakeProvider,
  type FakeProviderServer,
} from '../support/fake-providers';
import { createTenant, httpClient, type Http } from '../support/http-client';
import { openAiError } from '../support/openai-kit';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { startApi, stopAll, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

// POST /v1/embeddings through the official SDK and LangChain's OpenAIEmbeddings: routed by
// tier with failover, held to the tenant's budget, logged; errors in OpenAI's shape.
describe('OpenAI-compatible API: embeddings', () => {
  let env: TestEnv;
  let http: Http;
  let hosted: FakeProviderServer; // tier 1, priority 1
  let backup: FakeProviderServer; // tier 1, priority 2
  let local: FakeProviderServer; // local, tiers 0–1
  const apps: AppProcess[] = [];
  let key: string;
  let tenantId: string;
  let baseURL: string;
  const sdk = (apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });

  beforeAll(async () => {
    [hosted, backup, local] = await Promise.all([
      startFakeProvider('openai'),
      startFakeProvider('openai'),
      startFakeProvider('openai'),
    ]);
    const catalogue = join(tmpdir(), `embeddings-${process.pid}-${Date.now()}.json`);
    const embeddings = { capabilities: ['embeddings' as const], contextWindow: 64 };
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [
          fakeProvider('hosted', hosted),
          fakeProvider('backup', backup),
          fakeProvider('local', local, { local: true }),
        ],
        models: [
          fakeModel('hosted', 'chat-model', [1, 2], { priority: 0 }),
          fakeModel('hosted', 'embed-hosted', [1], { ...embeddings, priority: 1 }),
          fakeModel('backup', 'embed-backup', [1], { ...embeddings, priority: 2 }),
          fakeModel('local', 'embed-local', [0, 1], { ...embeddings, priority: 3 }),
        ],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      LLM_INVOCATION_FLUSH_MS: '20',
      BUDGET_POOL_CACHE_MS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
      API_BODY_LIMIT_BYTES: '65536',
    });
    apps.push(await startApi(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    baseURL = `http://127.0.0.1:${env.env.API_PORT}/v1`;
    ({ key, tenantId } = await createTenant(http, 'embeddings'));
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([hosted, backup, local].map((f) => f?.close()));
    await env?.cleanup();
  });

  beforeEach(() => [hosted, backup, local].forEach((f) => f.reset()));

  it('embeds with the SDK (base64, its default) and the vectors are the provider’s', async () => {
    const texts = ['budget pools refuse calls', 'a budget pool refused the call', 'chromium'];
    const response = await sdk(key).embeddings.create({ model: 'tier-1', input: texts });
    expect(response.object).toBe('list');
    expect(response.model).toBe('embed-hosted');
    expect(response.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(response.data.map((d) => Array.from(d.embedding))).toEqual(
      texts.map((t) => embeddingFor(t)),
    );
    expect(response.usage.prompt_tokens).toBe(hosted.stats.inputTokens);
    const [a, b, c] = response.data.map((d) => d.embedding);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c));
  });

  it('works with LangChain OpenAIEmbeddings (documents and query), by catalogue model', async () => {
    const embedder = new OpenAIEmbeddings({
      model: 'embed-backup',
      apiKey: key,
      configuration: { baseURL },
      maxRetries: 0,
    });
    const vectors = await embedder.embedDocuments(['one document', 'another document']);
    expect(vectors).toEqual(['one document', 'another document'].map((t) => embeddingFor(t)));
    expect(await embedder.embedQuery('a query')).toEqual(embeddingFor('a query'));
    expect(backup.stats.embedRequests).toBe(2);
    expect(hosted.stats.embedRequests).toBe(0);
  });

  it('passes dimensions and float encoding through, and fails over when a provider is down', async () => {
    hosted.script({ type: 'status', status: 503 });
    const res = await http('POST', '/v1/embeddings', {
      key,
      body: { model: 'tier-1', input: 'short text', dimensions: 16, encoding_format: 'float' },
    });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('embed-backup');
    expect(res.body.data[0].embedding).toEqual(embeddingFor('short text', { dimensions: 16 }));
    expect(backup.received[0].body).toMatchObject({ dimensions: 16 });
    const requestId = res.headers.get('x-switchboard-request-id');
    const rows = await waitUntil(async () => {
      const r = await queryEnv<{ provider: string; outcome: string; call_kind: string }>(
        env,
        `SELECT provider, outcome, call_kind, tenant_id, role FROM llm_invocations
           WHERE job_id = $1 ORDER BY attempt`,
        [requestId],
      );
      return r.length === 2 && r;
    }, 'two invocation rows');
    expect(rows).toEqual([
      expect.objectContaining({ provider: 'hosted', outcome: 'failed_over', call_kind: 'embed' }),
      expect.objectContaining({
        provider: 'backup',
        outcome: 'ok',
        tenant_id: tenantId,
        role: null,
      }),
    ]);
  });

  it('keeps a private request on local models', async () => {
    const res = await http('POST', '/v1/embeddings', {
      key,
      headers: { 'X-Switchboard-Privacy': 'true' },
      body: { model: 'tier-1', input: ['private words'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('embed-local');
    expect(hosted.stats.embedRequests + backup.stats.embedRequests).toBe(0);
    const refused = await http('POST', '/v1/embeddings', {
      key,
      headers: { 'X-Switchboard-Privacy': 'true' },
      body: { model: 'embed-hosted', input: ['private words'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'model', code: 'model_not_local' });
  });

  it('refuses bad input in OpenAI’s shape, before any provider call', async () => {
    const client = sdk(key);
    const cases: [unknown, string | null, string][] = [
      [{ model: 'tier-1' }, 'input', 'missing_required_parameter'],
      [{ model: 'tier-1', input: [] }, 'input', 'invalid_value'],
      [{ model: 'tier-1', input: [[1, 2, 3]] }, 'input', 'invalid_value'],
      [{ model: 'tier-1', input: [''] }, 'input', 'invalid_value'],
      [{ model: 'tier-1', input: 'x', dimensions: 0 }, 'dimensions', 'invalid_value'],
      [
        { model: 'tier-1', input: 'x', encoding_format: 'int8' },
        'encoding_format',
        'invalid_value',
      ],
      [{ model: 'chat-model', input: 'x' }, 'model', 'model_not_supported'],
      [{ model: 'tier-2', input: 'x' }, 'model', 'model_not_supported'],
      [{ model: 'tier-1', input: 'word '.repeat(100) }, 'input', 'context_length_exceeded'],
    ];
    for (const [body, param, code] of cases) {
      const error = await openAiError(client.post('/embeddings', { body }));
      expect([error.status, error.error]).toEqual([400, expect.objectContaining({ param, code })]);
    }
    const unknown = await openAiError(client.embeddings.create({ model: 'nope', input: 'x' }));
    expect(unknown.status).toBe(404);
    const many = await http('POST', '/v1/embeddings', {
      key,
      body: { model: 'tier-1', input: Array.from({ length: 2049 }, () => 'a') },
    });
    expect([many.status, many.body.error.param]).toEqual([400, 'input']);
    const malformed = await fetch(`${baseURL}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"model": "tier-1", "input": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.code).toBe('invalid_json');
    const oversized = await http('POST', '/v1/embeddings', {
      key,
      body: { model: 'tier-1', input: 'x'.repeat(70_000) },
    });
    expect(oversized.status).toBe(413);
    expect(oversized.body.error).toBeDefined();
    expect(hosted.stats.embedRequests + backup.stats.embedRequests).toBe(0);
  });

  it('needs a valid key', async () => {
    const missing = await fetch(`${baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tier-1', input: 'x' }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.code).toBe('invalid_api_key');
    const wrong = await openAiError(
      sdk('sk-not-a-key').embeddings.create({ model: 'tier-1', input: 'x' }),
    );
    expect(wrong.status).toBe(401);
  });

  it('holds each tenant to its own budget: an exhausted pool refuses (402), others go on', async () => {
    const poor = await createTenant(http, 'embeddings-poor');
    const pool = await http('POST', '/v1/budgets', {
      admin: true,
      body: { scope: 'tenant', tenantId: poor.tenantId, period: 'daily', limitMicros: 1 },
    });
    expect(pool.status).toBe(201);
    const refused = await openAiError(
      sdk(poor.key).embeddings.create({ model: 'tier-1', input: 'costly words here' }),
    );
    expect(refused.status).toBe(402);
    expect(refused.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(hosted.stats.embedRequests + backup.stats.embedRequests).toBe(0);
    // Another tenant's calls are not held to that pool.
    const other = await sdk(key).embeddings.create({ model: 'tier-1', input: 'costly words here' });
    expect(other.data).toHaveLength(1);
    // And spend lands on the tenant that made the call.
    const spent = await waitUntil(async () => {
      const r = await queryEnv<{ n: string }>(
        env,
        `SELECT count(*) AS n FROM llm_invocations WHERE tenant_id = $1 AND outcome = 'ok'`,
        [poor.tenantId],
      );
      return r[0] && r;
    }, 'rows');
    expect(Number(spent[0].n)).toBe(0);
  });
});
