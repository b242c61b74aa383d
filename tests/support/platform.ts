import { startApps, type AppProcess } from './app-process';
import { httpClient, type Http } from './http-client';
import { createTestEnv, type TestEnv } from './test-env';

/** A running platform: its isolated env, the API and worker processes, and a client for the API. */
export interface Platform {
  env: TestEnv;
  api: AppProcess;
  worker: AppProcess;
  http: Http;
}

/**
 * One isolated platform per test file (own schema, own queue prefix, own API port): creates
 * the env with `overrides` and starts API and worker in `beforeAll`, stops both and drops the
 * env in `afterAll`. Call it at describe level, before any hook that uses it; the returned
 * object is filled in by `beforeAll`, so read its fields inside hooks and tests only.
 */
export function usePlatform(overrides: Record<string, string> = {}): Platform {
  const platform = {} as Partial<Platform>;

  beforeAll(async () => {
    platform.env = await createTestEnv(overrides);
    const { api, worker } = await startApps(platform.env.env);
    platform.api = api;
    platform.worker = worker;
    platform.http = httpClient(`http://127.0.0.1:${platform.env.env.API_PORT}`);
  });

  afterAll(async () => {
    await Promise.all([platform.api?.stop(), platform.worker?.stop()]);
    await platform.env?.cleanup();
  });

  return platform as Platform;
}
