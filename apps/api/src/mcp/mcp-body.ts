import { HttpException } from '@nestjs/common';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { jsonBodyParser } from '../problems/json-body.middleware';

/** JSON-RPC's code for a body that is not JSON (the SDK's transport answers it the same way). */
const PARSE_ERROR = -32700;
/** The SDK's transport code for HTTP-level refusals (415, 413). */
const TRANSPORT_ERROR = -32000;

function refusal(error: unknown): { status: number; code: number; message: string } {
  const status = error instanceof HttpException ? error.getStatus() : 400;
  const detail =
    error instanceof HttpException
      ? String((error.getResponse() as { detail?: string }).detail ?? error.message)
      : 'The request body could not be read.';
  const problem = error instanceof HttpException ? (error.getResponse() as { code?: string }) : {};
  switch (problem.code ?? '') {
    case 'malformed-json':
      return { status, code: PARSE_ERROR, message: `Parse error: ${detail}` };
    case 'payload-too-large':
    case 'unsupported-media-type':
      return { status, code: TRANSPORT_ERROR, message: detail };
    default:
      return { status, code: ErrorCode.InvalidRequest, message: detail };
  }
}

/**
 * Reads an MCP request body with the API's own JSON parser (the same byte limit and nesting
 * bound as every route), after auth; a refused body is answered as a JSON-RPC error, the way
 * the SDK's transport answers one, with the parser's HTTP status (400, 413, 415).
 */
export class McpBodyReader {
  private readonly parse: ReturnType<typeof jsonBodyParser>;

  constructor(limitBytes: number) {
    this.parse = jsonBodyParser(limitBytes);
  }

  /** The parsed body, or `undefined` once the refusal has been sent. */
  read(req: Request, res: Response): Promise<{ body: unknown } | undefined> {
    return new Promise((resolve) =>
      this.parse(req, res, (error?: unknown) => {
        if (!error) return resolve({ body: req.body as unknown });
        const { status, code, message } = refusal(error);
        res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
        resolve(undefined);
      }),
    );
  }
}
