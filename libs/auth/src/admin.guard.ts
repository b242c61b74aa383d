import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import type { Request, Response } from 'express';
import { ADMIN_AUTH_CHALLENGE, isAdminRequest } from './admin-credential';
import type { AuthProblem } from './auth-problem';

/** Admin routes: the admin token as a bearer token or as the HTTP Basic password. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: Config) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (isAdminRequest(request.headers.authorization, this.config.auth.adminToken)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', ADMIN_AUTH_CHALLENGE);
    const problem: AuthProblem = {
      code: 'admin-credential-required',
      detail:
        'This route needs the admin token, as "Authorization: Bearer <token>" or as the HTTP Basic password.',
    };
    throw new UnauthorizedException(problem);
  }
}
