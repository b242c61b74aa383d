import { Inject, Injectable } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { RATE_LIMIT_SCRIPT } from './rate-limit.script';

export interface RateLimitResult {
  allowed: boolean;
  /** Calls left in the current sliding window, after this one. */
  remaining: number;
  /** 0 when allowed; otherwise when a retry can succeed (at least 1). */
  retryAfterSeconds: number;
  limit: number;
}

const WINDOW_MS = 60_000;
const COMMAND = 'switchboardRateLimit';

type RateLimitCommand = (
  key: string,
  limit: number,
  windowMs: number,
) => Promise<[number, number, number]>;
type RedisWithRateLimit = Redis & { [COMMAND]?: RateLimitCommand };

/** Per-API-key limit of `RATE_LIMIT_PER_MINUTE`, shared by every API instance through Redis. */
@Injectable()
export class RateLimiterService {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: Config,
  ) {}

  /** Counts one call for the key, unless it is over the limit. Rejects when Redis is down. */
  async consume(keyId: string): Promise<RateLimitResult> {
    const limit = this.config.auth.rateLimitPerMinute;
    const [allowed, remaining, retryAfterMs] = await this.command()(
      this.key(keyId),
      limit,
      WINDOW_MS,
    );
    return {
      allowed: allowed === 1,
      remaining: Math.max(0, remaining),
      retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      limit,
    };
  }

  // The prefix comes first so a `{hash tag}` in it keeps working on Redis Cluster.
  private key(keyId: string): string {
    return `${this.config.redis.prefix}:ratelimit:${keyId}`;
  }

  /** EVALSHA through ioredis, which reloads the script itself after a Redis restart. */
  private command(): RateLimitCommand {
    const redis = this.redis as RedisWithRateLimit;
    if (!redis[COMMAND]) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: RATE_LIMIT_SCRIPT });
    return redis[COMMAND]!.bind(redis);
  }
}
