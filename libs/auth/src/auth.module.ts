import { Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { ApiKeyAuthService } from './api-key-auth.service';
import { ApiKeyGuard } from './api-key.guard';
import { RateLimiterService } from './rate-limiter.service';
import { TenantsModule } from './tenants.module';

/**
 * Everything the API needs for auth. Relies on the host app's global `Config`,
 * `PersistenceModule` and `RedisModule` (rate limits use the shared Redis client).
 */
@Module({
  imports: [TenantsModule],
  providers: [ApiKeyAuthService, RateLimiterService, ApiKeyGuard, AdminGuard],
  exports: [TenantsModule, ApiKeyAuthService, RateLimiterService, ApiKeyGuard, AdminGuard],
})
export class AuthModule {}
