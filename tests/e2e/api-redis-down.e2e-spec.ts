import { AppProcess } from '../support/app-process';
import { chatInput, createTenant, httpClient, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { countJobRows } from '../support/store-probe';
import { createTestEnv, freePort, type TestEnv } from '../support/test-env';

// Redis is down (nothing listens on REDIS_URL): the API still answers, refuses submissions at
// once with 503 and leaves no row behind, and readiness says which dependency is down.
describe('the API while Redis is unreachable', () => {
  let env: TestEnv;
  let api: AppProcess;
  let http: Http;

  beforeAll(async () => {
    env = await createTestEnv();
    const deadPort = await freePort();
    api = AppProcess.start('api', { ...env.env, REDIS_URL: `redis://127.0.0.1:${deadPort}` });
    await api.waitFor(/API listening on/);
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
  });

  afterAll(async () => {
    await api?.stop();
    await env?.cleanup();
  });

  it('answers 503 queue-unavailable and creates nothing', async () => {
    const { key } = await createTenant(http, 'no-redis');
    const res = await http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput() },
    });
    expectProblem(res, 503, 'queue-unavailable');
    expect(await countJobRows(env)).toBe(0);
  });

  it('reports not ready, naming Redis', async () => {
    const res = await http('GET', '/health/ready');
    expectProblem(res, 503, 'service-unavailable');
    expect(res.body.detail).toBe('Not ready: redis down.');
    expect(res.body.checks.redis.status).toBe('down');
    expect(res.body.checks.postgres.status).toBe('up');
    expect((await http('GET', '/health/live')).status).toBe(200);
  });
});
