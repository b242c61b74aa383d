import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { countJobRows } from '../support/store-probe';
import {
  getJob,
  startApi,
  startWorker,
  stopAll,
  submitJob,
  waitForStatus,
  waitUntil,
} from '../support/worker-kit';

jest.setTimeout(120_000);

// Tenant input that could run unbounded on an event loop: stop patterns (RE2, linear time)
// and deeply nested bodies. A worker serves two chat jobs at once, so a job whose pattern
// froze the loop would hold up the other one.
describe('tenant patterns and bodies are bounded', () => {
  let env: TestEnv;
  let http: Http;
  let key: string;
  let slow: FakeProviderServer;
  let fast: FakeProviderServer;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    [slow, fast] = await Promise.all([
      startFakeProvider('openai', { tokenDelayMs: 100 }),
      startFakeProvider('openai'),
    ]);
    const catalogue = join(tmpdir(), `stop-regex-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('slow', slow), fakeProvider('fast', fast)],
        models: [fakeModel('slow', 'slow-model', [1]), fakeModel('fast', 'fast-model', [1])],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    apps.push(
      ...(await Promise.all([
        startApi(env.env),
        startWorker({ ...env.env, WORKER_POOLS: 'agent.chat.t1:2' }),
      ])),
    );
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
    key = (await createTenant(http, 'patterns')).key;
  });

  afterAll(async () => {
    await stopAll(apps);
    await Promise.all([slow?.close(), fast?.close()]);
    await env?.cleanup();
  });

  const chatWith = (stopRegex: string) => ({
    role: 'chat',
    tier: 1,
    input: { ...chatInput('count'), stopRegex },
  });

  it.each([
    ['a lookahead', '(?=(\\w+\\s?)*X)'],
    ['a backreference', '^(\\w+\\s?)*\\1X'],
    ['a pattern too large', '.{1000}'],
    ['an unclosed class', '[a-'],
  ])('refuses %s at submission with 422 naming input.stopRegex', async (_what, stopRegex) => {
    const res = await http('POST', '/v1/jobs', { key, body: chatWith(stopRegex) });
    expectProblem(res, 422, 'invalid-input');
    expect(res.body.errors).toEqual([
      { field: 'input.stopRegex', message: expect.stringMatching(/regular expression/) },
    ]);
    expect(res.body.detail).toContain('input.stopRegex');
  });

  it('runs the pattern that froze a worker in linear time: another job completes meanwhile', async () => {
    expect(await countJobRows(env)).toBe(0);
    // 80 words and no X: `(\w+\s?)*X` backtracks exponentially over them under RegExp.
    const words = Array.from({ length: 80 }, (_, i) => `w${i}`);
    slow.script({ type: 'ok', text: [...words, 'X', 'never', 'shown'].join(' ') });
    const slowJob = await submitJob(http, key, {
      ...chatWith('(\\w+\\s?)*X'),
      input: { ...chatWith('(\\w+\\s?)*X').input, model: 'slow/slow-model' },
    });
    await waitForStatus(http, key, slowJob, 'active');
    await waitUntil(async () => slow.stats.outputTokens >= 5, 'the slow stream to be under way');

    const fastJob = await submitJob(http, key, {
      role: 'chat',
      tier: 1,
      input: { ...chatInput('quick'), model: 'fast/fast-model', stopRegex: '\\d{3}' },
    });
    const quick = await waitForJob(http, key, fastJob);
    expect(quick.status).toBe('completed');
    // The pattern's job is still streaming: the worker was never stalled by it.
    expect((await getJob(http, key, slowJob)).status).toBe('active');

    const stopped = await waitForJob(http, key, slowJob);
    expect(stopped).toMatchObject({ status: 'completed', result: { finishReason: 'stop' } });
    expect(stopped.result.text).toBe(words.join(' '));
    await slow.waitForAborts(1);
  });

  it('refuses bodies nested deeper than 64 levels with 400 json-too-deep, in any charset', async () => {
    const deep = (levels: number) =>
      `{"role": "chat", "tier": 1, "input": ${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const utf8 = await http('POST', '/v1/jobs', {
      key,
      rawBody: deep(200_000),
      headers: { 'idempotency-key': 'deep-1' },
    });
    expectProblem(utf8, 400, 'json-too-deep');
    expect(utf8.body).toMatchObject({ maxDepth: 64 });
    const utf16 = await fetch(`http://127.0.0.1:${env.env.API_PORT}/v1/jobs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json; charset=utf-16le',
      },
      body: Buffer.from(deep(100), 'utf16le'),
    });
    expect(utf16.status).toBe(400);
    expect(await utf16.json()).toMatchObject({ code: 'json-too-deep' });
    // At 64 levels the body is read and judged by the schema as usual.
    const shallow = await http('POST', '/v1/jobs', { key, rawBody: deep(63) });
    expectProblem(shallow, 422, 'invalid-input');
    expect(await countJobRows(env)).toBe(2);
  });
});
