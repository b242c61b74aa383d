import { randomBytes } from 'node:crypto';

/** What one `npm run bench` uses: job counts, load duration and the shared services. */
export interface BenchSettings {
  /** Jobs per worker leg at concurrency 50 (BENCH_JOBS). */
  jobs: number;
  /** Jobs per worker leg at concurrency 1 (BENCH_JOBS_C1, default BENCH_JOBS / 5). */
  jobsC1: number;
  /** Rounds of every worker leg, interleaved; the best round is reported (BENCH_ROUNDS). */
  rounds: number;
  /** Seconds of HTTP load per endpoint (BENCH_DURATION_S). */
  durationS: number;
  /** Concurrent HTTP connections (BENCH_CONNECTIONS). */
  connections: number;
  /** Timed sequential calls per path in the router overhead leg (BENCH_ROUTER_CALLS). */
  routerCalls: number;
  redisUrl: string;
  databaseUrl: string;
  /** DATABASE_POOL_SIZE as the apps would read it; the apps' default is 10. */
  poolSize: string | undefined;
  /** Tags every schema and queue prefix of this run, so runs never collide. */
  runId: string;
  adminToken: string;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function readBenchSettings(): BenchSettings {
  const jobs = positiveInt('BENCH_JOBS', 5000);
  return {
    jobs,
    jobsC1: positiveInt('BENCH_JOBS_C1', Math.max(100, Math.round(jobs / 5))),
    rounds: positiveInt('BENCH_ROUNDS', 3),
    durationS: positiveInt('BENCH_DURATION_S', 10),
    connections: positiveInt('BENCH_CONNECTIONS', 50),
    routerCalls: positiveInt('BENCH_ROUTER_CALLS', 2000),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    poolSize: process.env.DATABASE_POOL_SIZE || undefined,
    runId: `bench_${randomBytes(4).toString('hex')}`,
    adminToken: `bench-admin-${randomBytes(12).toString('hex')}`,
  };
}

/** The isolated world of one leg: its queue prefix and, for platform legs, its schema. */
export interface LegScope {
  prefix: string;
  schema: string;
}

export function legScope(settings: BenchSettings, leg: string): LegScope {
  const id = `${settings.runId}_${leg}`;
  return { prefix: `{${id}}`, schema: id };
}

/**
 * The environment the platform reads (loadConfig), pointed at one leg's scope. The legs keep
 * the batched in-memory invocation log they were built on (their checks count no Redis
 * command for a call without budget pools); the invocation-log leg sets
 * LLM_INVOCATION_LOG itself to measure the durable log, the default, against it.
 */
export function platformEnv(
  settings: BenchSettings,
  scope: LegScope,
  logLevel: 'warn' | 'log',
): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: logLevel,
    DATABASE_URL: settings.databaseUrl,
    DATABASE_SCHEMA: scope.schema,
    ...(settings.poolSize ? { DATABASE_POOL_SIZE: settings.poolSize } : {}),
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: scope.prefix,
    ADMIN_TOKEN: settings.adminToken,
    LLM_ALLOW_SIMULATED: 'true',
    LLM_SIMULATED_LATENCY_MS: '0',
    LLM_SIMULATED_TOKENS_PER_SECOND: '1000000',
    LLM_INVOCATION_LOG: 'memory',
  };
}
