import { ConfigError } from './config-error';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('gives development defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.app.env).toBe('development');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.redis.prefix).toBe('{sb}');
    expect(config.http.port).toBe(3000);
    expect(config.llm.allowSimulated).toBe(true);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ API_PORT: 'eighty', REDIS_URL: 'http://x', WORKER_SHUTDOWN_GRACE_MS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('API_PORT');
    expect(message).toContain('REDIS_URL');
    expect(message).toContain('WORKER_SHUTDOWN_GRACE_MS');
  });

  it('requires secrets and services in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/REDIS_URL/);
  });

  it('refuses the simulated provider in production unless allowed', () => {
    const prod = {
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'a-very-long-admin-token',
      DATABASE_URL: 'postgres://u:secretpw@db/x',
      REDIS_URL: 'redis://redis:6379',
    };
    expect(loadConfig(prod).llm.allowSimulated).toBe(false);
    expect(loadConfig({ ...prod, LLM_ALLOW_SIMULATED: 'true' }).llm.allowSimulated).toBe(true);
  });

  it('lists secrets for masking', () => {
    const config = loadConfig({
      ADMIN_TOKEN: 'a-very-long-admin-token',
      DATABASE_URL: 'postgres://u:secretpw@db/x',
    });
    expect(config.secrets()).toEqual(['a-very-long-admin-token', 'secretpw']);
  });

  it('leaves the job compatibility version to the code unless overridden', () => {
    const defaults = loadConfig({});
    expect(defaults.worker.jobCompatVersion).toBeUndefined();
    expect(defaults.worker.incompatibleRetryMs).toBe(1000);
    const rehearsal = loadConfig({ JOB_COMPAT_VERSION: '7', WORKER_INCOMPATIBLE_RETRY_MS: '250' });
    expect(rehearsal.worker.jobCompatVersion).toBe(7);
    expect(rehearsal.worker.incompatibleRetryMs).toBe(250);
    expect(loadConfig({ JOB_COMPAT_VERSION: '' }).worker.jobCompatVersion).toBeUndefined();
    expect(() => loadConfig({ JOB_COMPAT_VERSION: '0' })).toThrow(/JOB_COMPAT_VERSION/);
    expect(() => loadConfig({ JOB_COMPAT_VERSION: '1.5' })).toThrow(/JOB_COMPAT_VERSION/);
    expect(() => loadConfig({ WORKER_INCOMPATIBLE_RETRY_MS: '0' })).toThrow(
      /WORKER_INCOMPATIBLE_RETRY_MS/,
    );
  });
});
