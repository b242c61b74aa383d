import { Config } from '@switchboard/config';
import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolCallContext, ToolOutput } from '../tool.types';
import { hostListed } from './address-guard';
import { readableBody } from './http-fetch.tool';
import { HttpToolError, safeHttp } from './safe-http';

const input = z.strictObject({
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  url: z.url({ protocol: /^https?$/ }).describe('on a host the operator allowed'),
  body: z.unknown().optional().describe('sent as JSON'),
});

@LocalTool({
  name: 'http_request',
  description:
    'Sends a JSON request (POST, PUT, PATCH or DELETE) to an allowed host and returns the ' +
    'status and response. It changes things: it runs once per job and is never repeated.',
  input,
  privacyCompatible: false,
  sideEffects: true,
  parallel: false,
  timeoutMs: 30_000,
  maxOutputBytes: 256 * 1024,
})
export class HttpRequestTool implements LocalToolHandler<typeof input> {
  constructor(private readonly config: Config) {}

  async run(
    { method, url, body }: z.output<typeof input>,
    ctx: ToolCallContext,
  ): Promise<ToolOutput> {
    const { httpWriteHosts, httpTimeoutMs, httpMaxBytes } = this.config.tools;
    const target = new URL(url);
    if (!hostListed(httpWriteHosts, target)) {
      return {
        content:
          `${target.host} is not a host http_request may send to` +
          (httpWriteHosts.length
            ? ` (allowed: ${httpWriteHosts.join(', ')}).`
            : ' (none is allowed).'),
        isError: true,
      };
    }
    try {
      const response = await safeHttp({
        method,
        url,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/plain;q=0.9',
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: ctx.signal,
        timeoutMs: httpTimeoutMs,
        maxBytes: httpMaxBytes,
        maxRedirects: 0,
        mayReach: () => true, // the host itself is on the operator's list
      });
      const text = readableBody(response.body, response.contentType);
      return {
        content: `Status: ${response.status}\n\n${text.slice(0, 50_000)}`,
        isError: response.status >= 400,
        data: { status: response.status },
      };
    } catch (error) {
      if (error instanceof HttpToolError) return { content: error.message, isError: true };
      throw error;
    }
  }
}
