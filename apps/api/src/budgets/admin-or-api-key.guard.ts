import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeyGuard, isAdminRequest } from '@switchboard/auth';
import { Config } from '@switchboard/config';
import type { CallerRequest } from './caller';

/**
 * Routes that operators and tenants share (budgets, costs): the admin token (as AdminGuard
 * accepts it) makes the caller the operator; anything else must be a valid API key, checked
 * and rate-limited by ApiKeyGuard, which answers 401 otherwise.
 */
@Injectable()
export class AdminOrApiKeyGuard implements CanActivate {
  constructor(
    private readonly config: Config,
    private readonly apiKeys: ApiKeyGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    if (isAdminRequest(request.headers.authorization, this.config.auth.adminToken)) {
      request.caller = { kind: 'admin' };
      return true;
    }
    await this.apiKeys.canActivate(context);
    request.caller = { kind: 'tenant', principal: request.principal! };
    return true;
  }
}
