import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AdminGuard } from './admin.guard';
import { ApiKeyAuthService } from './api-key-auth.service';
import { ApiKeyGuard } from './api-key.guard';
import { AUTH_REDIS, authRedisProvider } from './auth-redis.provider';
import { RateLimiterService } from './rate-limiter.service';
import { TenantsModule } from './tenants.module';

/**
 * Everything the API needs for auth. Relies on the global `Config` and `PersistenceModule`
 * of the host app; owns one Redis connection for rate limits and closes it on shutdown.
 */
@Module({
  imports: [TenantsModule],
  providers: [authRedisProvider, ApiKeyAuthService, RateLimiterService, ApiKeyGuard, AdminGuard],
  exports: [TenantsModule, ApiKeyAuthService, RateLimiterService, ApiKeyGuard, AdminGuard],
})
export class AuthModule implements OnApplicationShutdown {
  constructor(@Inject(AUTH_REDIS) private readonly redis: Redis) {}

  // After the HTTP server has stopped, so requests still in flight can finish.
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
