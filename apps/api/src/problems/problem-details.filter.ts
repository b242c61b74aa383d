import {
  ArgumentsHost,
  Catch,
  Logger,
  NotFoundException,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { OpenAiException, toOpenAiError } from '../openai/openai-error';
import { isOpenAiRoute, unsupportedEndpoint } from '../openai/openai-routes';
import { toProblem } from './problem-body';

/**
 * Every HTTP error leaves as application/problem+json (RFC 9457); no stack reaches a client.
 * The OpenAI-compatible routes are the exception: OpenAI SDKs expect `{"error": {...}}`. The
 * choice is made here, by path (see openai-routes.ts), so guards, the body parser and the
 * router's own 404 (which run before any route filter could) answer in the route's shape too.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const path = request.originalUrl?.split('?')[0];
    const problem = toProblem(error, path);
    // An OpenAiException is a deliberate answer (e.g. a job that failed), not a bug to log.
    if (problem.status >= 500 && !(error instanceof OpenAiException)) {
      this.logger.error(
        `${request.method} ${request.originalUrl}: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
    if (response.headersSent) return;
    if (path && isOpenAiRoute(path)) {
      // No route matched (Nest's own 404): an OpenAI API Switchboard does not offer.
      const unrouted = error instanceof NotFoundException && request.route === undefined;
      const openAi = toOpenAiError(unrouted ? unsupportedEndpoint(request.method, path) : error);
      response.status(openAi.status).set(openAi.headers).json(openAi.body);
      return;
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
