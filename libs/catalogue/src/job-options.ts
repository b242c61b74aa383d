/** Default BullMQ behaviour for a role; the queue lib turns it into job options. */
export interface RoleJobOptions {
  attempts: number;
  /** Exponential backoff: delayMs * 2^(attempt-1), spread by jitter (0..1). */
  backoff: { delayMs: number; jitter: number };
  /** The handler is aborted after this long; the attempt fails and may be retried. */
  timeoutMs: number;
  retention: {
    completed: { ageSeconds: number; count: number };
    failed: { ageSeconds: number; count: number };
  };
}

const DAY = 24 * 3600;

export function roleOptions(overrides: Partial<RoleJobOptions> = {}): RoleJobOptions {
  return {
    attempts: 3,
    backoff: { delayMs: 1000, jitter: 0.5 },
    timeoutMs: 120_000,
    retention: {
      completed: { ageSeconds: DAY, count: 10_000 },
      failed: { ageSeconds: 7 * DAY, count: 50_000 },
    },
    ...overrides,
  };
}
