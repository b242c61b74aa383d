import { ArgumentsHost, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toProblem } from './problem-body';

/** Every HTTP error leaves as application/problem+json (RFC 9457); no stack reaches a client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = toProblem(error, request.originalUrl?.split('?')[0]);
    if (problem.status >= 500) {
      this.logger.error(
        `${request.method} ${request.originalUrl}: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
    if (response.headersSent) return;
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
