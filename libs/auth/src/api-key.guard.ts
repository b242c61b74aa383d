import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import type { Response } from 'express';
import { extractApiKey } from './api-key';
import { ApiKeyAuthService } from './api-key-auth.service';
import type { AuthProblem, RateLimitedProblem } from './auth-problem';
import type { AuthenticatedRequest, Principal } from './auth.types';
import { type RateLimitResult, RateLimiterService } from './rate-limiter.service';

const API_KEY_CHALLENGE = 'Bearer realm="Switchboard"';
const LIMITER_WARNING_INTERVAL_MS = 60_000;

/**
 * Tenant routes: authenticates the API key, sets `request.principal`, then applies the
 * per-key rate limit (RateLimit-* headers always, Retry-After on 429).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);
  private lastLimiterWarning = 0;

  constructor(
    private readonly auth: ApiKeyAuthService,
    private readonly rateLimiter: RateLimiterService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const rawKey = extractApiKey(request.headers);
    if (!rawKey) {
      throw unauthorized(response, {
        code: 'missing-api-key',
        detail: 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".',
      });
    }
    const principal = await this.auth.authenticate(rawKey);
    if (!principal) {
      throw unauthorized(response, {
        code: 'invalid-api-key',
        detail: 'The API key is not valid: it is unknown or has been revoked.',
      });
    }
    request.principal = principal;
    await this.applyRateLimit(principal, response);
    return true;
  }

  private async applyRateLimit(principal: Principal, response: Response): Promise<void> {
    let result: RateLimitResult;
    try {
      result = await this.rateLimiter.consume(principal.keyId);
    } catch (error) {
      // Fail open: while Redis is down, reads from PostgreSQL keep working; enqueueing
      // fails on its own. The Redis client already logs the outage, so warn sparingly.
      this.warnLimiterDown(error);
      return;
    }
    response.setHeader('RateLimit-Limit', String(result.limit));
    response.setHeader('RateLimit-Remaining', String(result.remaining));
    if (result.allowed) return;
    response.setHeader('Retry-After', String(result.retryAfterSeconds));
    const problem: RateLimitedProblem = {
      code: 'rate-limited',
      detail: `Rate limit of ${result.limit} requests per minute exceeded for this API key; retry in ${result.retryAfterSeconds} s.`,
      retryAfterSeconds: result.retryAfterSeconds,
    };
    throw new HttpException(problem, HttpStatus.TOO_MANY_REQUESTS);
  }

  private warnLimiterDown(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLimiterWarning < LIMITER_WARNING_INTERVAL_MS) return;
    this.lastLimiterWarning = now;
    this.logger.warn(`Rate limit not applied, limiter unavailable: ${(error as Error).message}`);
  }
}

function unauthorized(response: Response, problem: AuthProblem): UnauthorizedException {
  response.setHeader('WWW-Authenticate', API_KEY_CHALLENGE);
  return new UnauthorizedException(problem);
}
