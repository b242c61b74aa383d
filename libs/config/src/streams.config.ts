import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const streamsSchema = z.object({
  STREAM_RETENTION_MS: intFromEnv(1_000, 30 * 86_400_000).default(86_400_000),
  STREAM_MAX_EVENTS: intFromEnv(10, 1_000_000).default(10_000),
  STREAM_COALESCE_MS: intFromEnv(0, 1_000).default(15),
  SSE_HEARTBEAT_MS: intFromEnv(50, 300_000).default(15_000),
  STREAM_LONG_POLL_MAX_S: intFromEnv(0, 3_600).default(60),
});

export interface StreamsConfig {
  /** How long a finished job's event stream stays readable (resume, replay). */
  retentionMs: number;
  /** Approximate cap on a stream's length (XADD MAXLEN ~). */
  maxEvents: number;
  /** Token deltas written within this window become one `token` event. */
  coalesceMs: number;
  /** An SSE comment is sent this often so idle proxies keep the connection open. */
  heartbeatMs: number;
  /** The largest `wait` accepted by `GET /v1/jobs/:id?wait=`. */
  longPollMaxS: number;
}

export function streamsConfig(env: Env): StreamsConfig {
  const v = streamsSchema.parse(env);
  return {
    retentionMs: v.STREAM_RETENTION_MS,
    maxEvents: v.STREAM_MAX_EVENTS,
    coalesceMs: v.STREAM_COALESCE_MS,
    heartbeatMs: v.SSE_HEARTBEAT_MS,
    longPollMaxS: v.STREAM_LONG_POLL_MAX_S,
  };
}
