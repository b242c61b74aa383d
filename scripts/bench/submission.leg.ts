import { fixed, progress } from './bench-output';
import { platformEnv, type BenchSettings } from './bench-settings';
import { withApiProcess } from './api-process';
import { createTenantKey } from './api-admin';
import { CHAT_BODY } from './chat-job.fixture';
import { httpLoad, type HttpLoadResult, type HttpLoadSpec } from './http-load';
import { jobStatusCounts, withLegScope } from './leg-isolation';
import { processMemory, type ProcessMemory } from './proc-memory';

const WARM_UP_S = 2;

export interface SubmissionLegResult {
  live: HttpLoadResult;
  submit: HttpLoadResult;
  /** Job records in the leg's schema afterwards (warm-up included). */
  records: number;
  apiMemory: ProcessMemory;
}

/**
 * The real API as a child process: GET /health/live (the HTTP stack alone) as the baseline,
 * then POST /v1/jobs (auth, rate limit, validation, Postgres insert, BullMQ add). No worker.
 */
export async function submissionLeg(settings: BenchSettings): Promise<SubmissionLegResult> {
  return withLegScope(settings, 'api', true, async (scope) => {
    const env = {
      ...platformEnv(settings, scope, 'warn'),
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    return withApiProcess(env, async (api) => {
      progress(`api: up at ${api.baseUrl} (pid ${api.pid})`);
      const { key } = await createTenantKey(
        api.baseUrl,
        settings.adminToken,
        `bench-${scope.schema}`,
      );
      const load = (spec: Omit<HttpLoadSpec, 'connections' | 'durationS'>, durationS: number) =>
        httpLoad({ ...spec, connections: settings.connections, durationS });
      const live = { url: `${api.baseUrl}/health/live`, method: 'GET' as const };
      const submit = {
        url: `${api.baseUrl}/v1/jobs`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: CHAT_BODY,
      };
      progress(`api: warming up ${WARM_UP_S} s per endpoint`);
      await load(live, WARM_UP_S);
      await load(submit, WARM_UP_S);
      progress(
        `api: GET /health/live for ${settings.durationS} s, ${settings.connections} connections`,
      );
      const liveResult = await load(live, settings.durationS);
      progress(`api: ${fixed(liveResult.requestsPerSecond)} req/s; now POST /v1/jobs`);
      const submitResult = await load(submit, settings.durationS);
      const apiMemory = processMemory(api.pid);
      progress(
        `api: ${fixed(submitResult.requestsPerSecond)} req/s, status codes ${JSON.stringify(submitResult.statusCodes)}`,
      );
      const counts = await jobStatusCounts(settings.databaseUrl, scope.schema);
      const records = Object.values(counts).reduce((a, b) => a + b, 0);
      return { live: liveResult, submit: submitResult, records, apiMemory };
    });
  });
}
