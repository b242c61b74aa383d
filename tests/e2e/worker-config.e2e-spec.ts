import { createTestEnv, TEST_ADMIN_TOKEN, type TestEnv } from '../support/test-env';
import { runUntilExit, startWorker, type Exit } from '../support/worker-kit';

jest.setTimeout(120_000);

// Configuration is validated once at boot: a bad value stops the app at once, with a message
// that names the variable. Production demands its secrets and refuses the simulated provider.
describe('configuration fails fast', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  const refused = (exit: Exit) => {
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBeNull();
    expect(exit.code).not.toBe(0);
    expect(exit.output).not.toMatch(/worker ready|API listening on/);
  };

  it.each(['worker', 'api'] as const)('%s: refuses a port that is not a number', async (app) => {
    const exit = await runUntilExit(app, { ...env.env, API_PORT: 'eighty' });
    refused(exit);
    expect(exit.output).toMatch(/Invalid configuration:[\s\S]*API_PORT:/);
  });

  it.each(['worker', 'api'] as const)('%s: refuses a Redis URL of another scheme', async (app) => {
    const exit = await runUntilExit(app, { ...env.env, REDIS_URL: 'http://x' });
    refused(exit);
    expect(exit.output).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('reports every bad variable at once, and never echoes a secret', async () => {
    const exit = await runUntilExit('worker', {
      ...env.env,
      REDIS_URL: 'http://user:hunter2-secret@x',
      WORKER_SHUTDOWN_GRACE_MS: '-1',
    });
    refused(exit);
    expect(exit.output).toMatch(/REDIS_URL:/);
    expect(exit.output).toMatch(/WORKER_SHUTDOWN_GRACE_MS:/);
    expect(exit.output).not.toContain('hunter2-secret');
  });

  it.each(['worker', 'api'] as const)('%s: production needs ADMIN_TOKEN', async (app) => {
    const exit = await runUntilExit(app, {
      ...env.env,
      NODE_ENV: 'production',
      ADMIN_TOKEN: undefined,
    });
    refused(exit);
    expect(exit.output).toMatch(/ADMIN_TOKEN:/);
  });

  it('production refuses a short ADMIN_TOKEN', async () => {
    const exit = await runUntilExit('worker', {
      ...env.env,
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'short',
    });
    refused(exit);
    expect(exit.output).toMatch(/ADMIN_TOKEN: must be at least 16 characters/);
  });

  it('production worker refuses the simulated provider unless allowed', async () => {
    // Every secret production demands is set; only the permission for `simulated` is missing.
    const production: Record<string, string> = {
      ...env.env,
      NODE_ENV: 'production',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    };
    expect(TEST_ADMIN_TOKEN.length).toBeGreaterThanOrEqual(16);
    expect(production.DATABASE_URL).toMatch(/^postgres/);
    expect(production.REDIS_URL).toMatch(/^redis/);
    expect(production.LLM_ALLOW_SIMULATED).toBeUndefined();

    const exit = await runUntilExit('worker', production);
    refused(exit);
    expect(exit.output).toMatch(/simulated LLM provider is refused in production/);
    expect(exit.output).toMatch(/LLM_ALLOW_SIMULATED=true/);
    expect(exit.output).not.toContain(TEST_ADMIN_TOKEN);

    // The same production config with the provider allowed on purpose boots, and stops cleanly.
    const allowed = await startWorker({ ...production, LLM_ALLOW_SIMULATED: 'true' });
    expect(await allowed.stop('SIGTERM')).toBe(0);
    expect(allowed.output.join('\n')).not.toContain(TEST_ADMIN_TOKEN);
  });
});
