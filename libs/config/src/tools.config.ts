import { z } from 'zod';
import { booleanFromEnv, intFromEnv, type Env } from './env';

const hostList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );

export const toolsSchema = z.object({
  TOOLS_LOG_ARGUMENTS: booleanFromEnv.default(false),
  TOOLS_LOOP_REPEAT_LIMIT: intFromEnv(2, 100).default(3),
  TOOLS_DEFAULT_TIMEOUT_MS: intFromEnv(100, 600_000).default(30_000),
  TOOLS_DEFAULT_MAX_OUTPUT_BYTES: intFromEnv(256, 10_000_000).default(64 * 1024),
  TOOLS_HTTP_ALLOWED_HOSTS: hostList,
  TOOLS_HTTP_WRITE_HOSTS: hostList,
  TOOLS_HTTP_TIMEOUT_MS: intFromEnv(100, 120_000).default(10_000),
  TOOLS_HTTP_MAX_BYTES: intFromEnv(1_024, 50_000_000).default(2_000_000),
});

export interface ToolsConfig {
  /** Keep argument values in `tool_invocations.arguments` (sizes are always kept). */
  logArguments: boolean;
  /** The same call (tool and arguments) this many times in one run is a loop: not run. */
  loopRepeatLimit: number;
  /** For tools that declare no timeout of their own. */
  defaultTimeoutMs: number;
  /** For tools that declare no output bound of their own. */
  defaultMaxOutputBytes: number;
  /**
   * Hosts (`name` or `name:port`) http_fetch may reach even when they resolve to loopback or
   * private addresses; everything else must be public.
   */
  httpAllowedHosts: string[];
  /** The only hosts (`name` or `name:port`) http_request may send to. Empty: none. */
  httpWriteHosts: string[];
  httpTimeoutMs: number;
  /** Largest response body the HTTP tools read. */
  httpMaxBytes: number;
}

export function toolsConfig(env: Env): ToolsConfig {
  const v = toolsSchema.parse(env);
  return {
    logArguments: v.TOOLS_LOG_ARGUMENTS,
    loopRepeatLimit: v.TOOLS_LOOP_REPEAT_LIMIT,
    defaultTimeoutMs: v.TOOLS_DEFAULT_TIMEOUT_MS,
    defaultMaxOutputBytes: v.TOOLS_DEFAULT_MAX_OUTPUT_BYTES,
    httpAllowedHosts: v.TOOLS_HTTP_ALLOWED_HOSTS,
    httpWriteHosts: v.TOOLS_HTTP_WRITE_HOSTS,
    httpTimeoutMs: v.TOOLS_HTTP_TIMEOUT_MS,
    httpMaxBytes: v.TOOLS_HTTP_MAX_BYTES,
  };
}
