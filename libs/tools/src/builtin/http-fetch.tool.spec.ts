import type { Config } from '@switchboard/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ToolCallContext } from '../tool.types';
import { isPublicAddress } from './address-guard';
import { HttpFetchTool } from './http-fetch.tool';
import { HttpRequestTool } from './http-request.tool';

const toolsConfig = (extra: Partial<Config['tools']> = {}) =>
  ({
    tools: {
      httpAllowedHosts: [],
      httpWriteHosts: [],
      httpTimeoutMs: 2_000,
      httpMaxBytes: 100_000,
      ...extra,
    },
  }) as unknown as Config;

const ctx = (): ToolCallContext => ({
  jobId: 'j',
  tenantId: 't',
  role: 'researcher',
  tier: 1,
  privacy: false,
  signal: new AbortController().signal,
});

describe('address guard', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['not-an-ip', false],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('http tools against a local server (SSRF)', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/page` }).end();
      } else if (req.url === '/page') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<html><head><title>T</title><script>x()</script></head><body><p>Hello &amp; bye</p></body></html>',
        );
      } else {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(body));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses loopback by address and by name, reaching nothing', async () => {
    const tool = new HttpFetchTool(toolsConfig());
    const before = hits.length;
    for (const url of [`http://127.0.0.1:${port}/page`, `http://localhost:${port}/page`]) {
      const out = await tool.run({ url, maxChars: 1000 }, ctx());
      expect(out).toMatchObject({ isError: true });
      expect(out.content).toMatch(/loopback, private or reserved/);
    }
    expect(hits.length).toBe(before);
  });

  it('reaches an allowlisted host, as text, and re-checks redirects', async () => {
    const allowed = new HttpFetchTool(toolsConfig({ httpAllowedHosts: [`127.0.0.1:${port}`] }));
    const out = await allowed.run(
      { url: `http://127.0.0.1:${port}/redirect`, maxChars: 1000 },
      ctx(),
    );
    expect(out.isError).toBeFalsy();
    expect(out.content).toContain('Status: 200');
    expect(out.content).toContain('T\n\nHello & bye');
    expect(out.content).not.toContain('x()');
    // Allowed by name:port, but a redirect to the same address under another name is checked again.
    const byName = new HttpFetchTool(toolsConfig({ httpAllowedHosts: [`localhost:${port}`] }));
    const refused = await byName.run(
      { url: `http://localhost:${port}/redirect`, maxChars: 1000 },
      ctx(),
    );
    expect(refused).toMatchObject({ isError: true });
  });

  it('http_request sends only to write-allowlisted hosts', async () => {
    const none = new HttpRequestTool(toolsConfig());
    const url = `http://127.0.0.1:${port}/orders`;
    const refused = await none.run({ method: 'POST', url, body: { a: 1 } }, ctx());
    expect(refused).toMatchObject({ isError: true });
    expect(refused.content).toMatch(/not a host http_request may send to/);
    const listed = new HttpRequestTool(toolsConfig({ httpWriteHosts: [`127.0.0.1:${port}`] }));
    const sent = await listed.run({ method: 'POST', url, body: { a: 1 } }, ctx());
    expect(sent.isError).toBe(false);
    expect(sent.content).toContain('Status: 201');
    expect(sent.content).toContain('"a": 1');
    expect(hits.filter((h) => h === 'POST /orders')).toHaveLength(1);
  });
});
