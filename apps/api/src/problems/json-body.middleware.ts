import { json, type NextFunction, type Request, type Response } from 'express';
import { MAX_JSON_DEPTH, jsonDepthExceeds, utf8JsonDepthExceeds } from './json-depth';
import { ProblemException } from './problem';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Routes that read their own body with `jsonBodyParser` after auth, refusing in their own shape. */
const OWN_BODY_ROUTES = /^\/mcp\/?$/;
/** Routes that also take multipart/form-data (read by multer in their controller). */
const MULTIPART_ROUTES = /^\/v1\/collections\/[^/]+\/documents\/?$/;

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
    case 'entity.too.deep':
      return tooDeep();
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

function tooDeep(): ProblemException {
  return new ProblemException(
    400,
    'json-too-deep',
    `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`,
    { maxDepth: MAX_JSON_DEPTH },
  );
}

/** The app-wide body middleware: `jsonBodyParser`, except on routes that read their own. */
export function jsonBody(limit: number) {
  const parse = jsonBodyParser(limit);
  return (req: Request, res: Response, next: NextFunction): void =>
    OWN_BODY_ROUTES.test(req.path) ||
    (MULTIPART_ROUTES.test(req.path) && req.is('multipart/form-data'))
      ? next()
      : parse(req, res, next);
}

/**
 * JSON bodies only, up to `limit` bytes and `MAX_JSON_DEPTH` levels of nesting. Other content
 * types on a request with a body get 415; nothing about a refused body reaches a handler.
 */
export function jsonBodyParser(limit: number) {
  // UTF-8 bodies (nearly all) are measured before parsing; others after, on the parsed value.
  const measured = new WeakSet<object>();
  const parse = json({
    limit,
    strict: true,
    verify: (req, _res, bytes, encoding) => {
      if (encoding !== 'utf-8') return;
      if (utf8JsonDepthExceeds(bytes))
        throw Object.assign(new Error(), { type: 'entity.too.deep' });
      measured.add(req);
    },
  });
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
    parse(req, res, (error?: unknown) => {
      if (error) return next(parserProblem(error));
      if (!measured.has(req) && jsonDepthExceeds(req.body)) return next(tooDeep());
      next();
    });
  };
}
