import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal } from '@switchboard/auth';

/** Who calls a route open to both: the operator (admin token) or a tenant's API key. */
export type Caller = { kind: 'admin' } | { kind: 'tenant'; principal: Principal };

export interface CallerRequest extends AuthenticatedRequest {
  caller?: Caller;
}

/** The caller set by AdminOrApiKeyGuard: `handler(@CurrentCaller() caller: Caller)`. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const caller = context.switchToHttp().getRequest<CallerRequest>().caller;
    // A route that reads the caller without AdminOrApiKeyGuard is a bug, not a client error.
    if (!caller) throw new Error('@CurrentCaller() used on a route without AdminOrApiKeyGuard');
    return caller;
  },
);
