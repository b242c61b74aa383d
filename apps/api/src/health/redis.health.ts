import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly health: HealthIndicatorService,
  ) {}

  async ping(key: string) {
    const check = this.health.check(key);
    try {
      const reply: string = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), 2000).unref(),
        ),
      ]);
      return reply === 'PONG' ? check.up() : check.down({ message: `unexpected reply ${reply}` });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
