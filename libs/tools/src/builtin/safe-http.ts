import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SafeHttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** The body is cut here (and `truncated` set). */
  maxBytes: number;
  /** Redirects followed (GET only); each target is checked again. */
  maxRedirects: number;
  /** Whether the request may connect to `address` (resolved or literal) for `url`. */
  mayReach(url: URL, address: string): boolean;
}

export interface SafeHttpResponse {
  status: number;
  url: string;
  contentType: string;
  body: string;
  truncated: boolean;
}

/** The request was refused before it left (address, scheme, redirects): told to the model. */
export class HttpToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpToolError';
  }
}

/**
 * An HTTP request whose every connection is checked where it is made: the resolved addresses
 * pass `mayReach` inside the socket's own DNS lookup, so a name cannot resolve to a public
 * address when checked and a private one when connected (DNS rebinding).
 */
export async function safeHttp(request: SafeHttpRequest): Promise<SafeHttpResponse> {
  const signal = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
  let url = parseUrl(request.url);
  for (let hop = 0; ; hop++) {
    const response = await once(request, url, signal);
    const location = response.headers.location;
    if (
      request.method === 'GET' &&
      location &&
      [301, 302, 303, 307, 308].includes(response.statusCode ?? 0)
    ) {
      response.resume();
      if (hop >= request.maxRedirects)
        throw new HttpToolError(`more than ${request.maxRedirects} redirects`);
      url = parseUrl(new URL(location, url).toString());
      continue;
    }
    let read: { body: Buffer; truncated: boolean };
    try {
      read = await readBody(response, request.maxBytes);
    } catch (error) {
      throw signal.aborted ? abortError(request) : error;
    }
    const { body, truncated } = read;
    const contentType = String(response.headers['content-type'] ?? '');
    return {
      status: response.statusCode ?? 0,
      url: url.toString(),
      contentType,
      body: decode(body, contentType),
      truncated,
    };
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HttpToolError(`not a valid URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpToolError(`only http and https URLs are allowed (got ${url.protocol})`);
  }
  return url;
}

function once(request: SafeHttpRequest, url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !request.mayReach(url, literal)) {
    return Promise.reject(refused(url, literal));
  }
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { all: true, family: options.family ?? 0 },
      (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const bad = addresses.find((a) => !request.mayReach(url, a.address));
        if (bad) return callback(refused(url, bad.address), '', 0);
        if (options.all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
    );
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: request.method,
        headers: {
          'user-agent': 'Switchboard-tools/1',
          'accept-encoding': 'identity',
          ...request.headers,
          ...(request.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(request.body)) }
            : {}),
        },
        lookup,
        signal,
      },
      resolve,
    );
    req.on('error', (error) => reject(signal.aborted ? abortError(request) : error));
    req.end(request.body);
  });
}

function refused(url: URL, address: string): HttpToolError {
  return new HttpToolError(
    `${url.hostname} resolves to ${address}, a loopback, private or reserved address; ` +
      'requests there are not allowed',
  );
}

function abortError(request: SafeHttpRequest): Error {
  if (request.signal.aborted) return request.signal.reason as Error;
  return new HttpToolError(`no complete response within ${request.timeoutMs} ms`);
}

async function readBody(
  response: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      return { body: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true };
    }
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
