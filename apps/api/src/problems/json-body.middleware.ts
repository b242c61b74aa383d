import { json, type NextFunction, type Request, type Response } from 'express';
import { ProblemException } from './problem';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(req: Request): boolean {
  return (
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
  );
}

/** Maps body-parser's errors to problems before Nest flattens them into plain 400s. */
function parserProblem(error: { type?: string; message?: string }): ProblemException {
  switch (error.type ?? '') {
    case 'entity.parse.failed':
      return new ProblemException(
        400,
        'malformed-json',
        `The request body is not valid JSON: ${error.message ?? ''}`.trim(),
      );
    case 'entity.too.large':
      return new ProblemException(
        413,
        'payload-too-large',
        'The request body is larger than the limit.',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemException(
        415,
        'unsupported-media-type',
        'The request body encoding is not supported.',
      );
    default:
      return new ProblemException(400, 'bad-request', 'The request body could not be read.');
  }
}

/**
 * JSON bodies only, up to `limit` bytes. Other content types on a request with a body get
 * 415; nothing about a refused body reaches a handler.
 */
export function jsonBody(limit: number) {
  const parse = json({ limit, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (
      BODY_METHODS.has(req.method) &&
      hasBody(req) &&
      !req.is(['application/json', 'application/*+json'])
    ) {
      return next(
        new ProblemException(415, 'unsupported-media-type', 'Send the body as application/json.'),
      );
    }
    parse(req, res, (error?: unknown) => next(error ? parserProblem(error) : undefined));
  };
}
