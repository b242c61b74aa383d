// Auth: tenants and their API keys (hashed, audited), API-key and admin guards, and the
// per-key rate limit shared through Redis. `AuthModule` is for the API; `TenantsModule`
// is the Redis-free part the CLI uses.
export { AuthModule } from './auth.module';
export { TenantsModule } from './tenants.module';
export { TenantsService } from './tenants.service';
export { ApiKeyAuthService } from './api-key-auth.service';
export { RateLimiterService, type RateLimitResult } from './rate-limiter.service';
export { ApiKeyGuard } from './api-key.guard';
export { AdminGuard } from './admin.guard';
export { CurrentPrincipal } from './current-principal.decorator';
export { ADMIN_AUTH_CHALLENGE, isAdminRequest } from './admin-credential';
export { extractApiKey, hashApiKey, isWellFormedApiKey } from './api-key';
export {
  ApiKeyNotFoundError,
  AuthAdminError,
  InvalidApiKeyNameError,
  InvalidTenantNameError,
  TenantExistsError,
  TenantNotFoundError,
} from './auth.errors';
export type { AuthProblem, RateLimitedProblem } from './auth-problem';
export type {
  ApiKeyInfo,
  AuthenticatedRequest,
  CreatedApiKey,
  Principal,
  Tenant,
} from './auth.types';
