import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from './auth.types';

/** The caller set by ApiKeyGuard: `handler(@CurrentPrincipal() principal: Principal)`. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // A route that reads the principal without ApiKeyGuard is a bug, not a client error.
    if (!principal) throw new Error('@CurrentPrincipal() used on a route without ApiKeyGuard');
    return principal;
  },
);
