import { Config } from '@switchboard/config';
import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolCallContext, ToolOutput } from '../tool.types';
import { hostListed, isPublicAddress } from './address-guard';
import { htmlToText } from './html-text';
import { HttpToolError, safeHttp } from './safe-http';

const input = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('http or https URL to GET'),
  maxChars: z
    .number()
    .int()
    .min(100)
    .max(100_000)
    .default(20_000)
    .describe('the text returned is cut at this many characters'),
});

/** The body as the model should read it: JSON pretty-printed, HTML as text, text as is. */
export function readableBody(body: string, contentType: string): string {
  const type = contentType.toLowerCase();
  if (type.includes('json')) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      return body;
    }
  }
  if (type.includes('html') || (!type && /^\s*<(!doctype html|html)/i.test(body))) {
    return htmlToText(body);
  }
  return body;
}

@LocalTool({
  name: 'http_fetch',
  description:
    'GETs a public web page or API (http/https) and returns its status, content type and ' +
    'text: HTML as readable text, JSON pretty-printed. Local and private addresses are refused.',
  input,
  privacyCompatible: false,
  timeoutMs: 30_000,
  maxOutputBytes: 512 * 1024,
})
export class HttpFetchTool implements LocalToolHandler<typeof input> {
  constructor(private readonly config: Config) {}

  async run({ url, maxChars }: z.output<typeof input>, ctx: ToolCallContext): Promise<ToolOutput> {
    const { httpAllowedHosts, httpTimeoutMs, httpMaxBytes } = this.config.tools;
    const type = /^(text\/|application\/(json|xml|xhtml|[\w.+-]+\+json|[\w.+-]+\+xml)|$)/i;
    try {
      const response = await safeHttp({
        method: 'GET',
        url,
        headers: { accept: 'text/html,application/json,text/plain;q=0.9,*/*;q=0.5' },
        signal: ctx.signal,
        timeoutMs: httpTimeoutMs,
        maxBytes: httpMaxBytes,
        maxRedirects: 5,
        mayReach: (target, address) =>
          isPublicAddress(address) || hostListed(httpAllowedHosts, target),
      });
      if (!type.test(response.contentType.split(';')[0].trim())) {
        return {
          content: `${response.url} answered ${response.status} with ${response.contentType}, which is not text; nothing to read.`,
          isError: true,
        };
      }
      const text = readableBody(response.body, response.contentType);
      const cut = text.length > maxChars;
      const header =
        `Status: ${response.status}\nURL: ${response.url}\nContent-Type: ${response.contentType || 'unknown'}` +
        (cut || response.truncated
          ? `\n(Text cut at ${cut ? maxChars : text.length} characters.)`
          : '');
      return {
        content: `${header}\n\n${cut ? text.slice(0, maxChars) : text}`,
        data: { status: response.status, url: response.url, contentType: response.contentType },
      };
    } catch (error) {
      if (error instanceof HttpToolError) return { content: error.message, isError: true };
      throw error;
    }
  }
}
