import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpToolSource, parseMcpServer } from '@switchboard/tools';
import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import { callCount, callTool, named } from '../fixtures/mcp/mcp-test-kit';
import { freePort } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The MCP client over Streamable HTTP against the SDK's own server (stateless, on loopback):
// HTTP errors (a 503, a refused connection) are tool errors, and the client reconnects with
// backoff once the endpoint is back.

describe('MCP client over Streamable HTTP', () => {
  let port: number;
  let http: Server | undefined;
  let failing = false;
  let source: McpToolSource;

  function listen(): Promise<void> {
    http = createServer((req, res) => {
      if (failing) {
        res.writeHead(503).end('unavailable');
        return;
      }
      const server = new McpServer({ name: 'http-echo', version: '1.0.0' });
      server.registerTool(
        'echo',
        { description: 'Echoes its text', inputSchema: { text: z.string() } },
        ({ text }) => ({ content: [{ type: 'text', text }] }),
      );
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close().then(() => server.close()));
      server
        .connect(transport)
        .then(() => transport.handleRequest(req, res))
        .catch(() => res.writeHead(500).end());
    });
    return new Promise((resolve) => http!.listen(port, '127.0.0.1', resolve));
  }

  function stop(): Promise<void> {
    const server = http;
    http = undefined;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  beforeAll(async () => {
    port = await freePort();
    await listen();
    source = McpToolSource.fromConfig(
      parseMcpServer({
        name: 'web',
        transport: 'http',
        url: `http://127.0.0.1:${port}/mcp`,
        headers: { 'X-Switchboard-Test': '1' },
        allowedTools: ['*'],
        reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
        timeouts: { connectMs: 5_000, callMs: 5_000 },
      }),
    );
    expect(await source.start()).toBe(true);
  });

  afterAll(async () => {
    await source?.close();
    await stop();
  });

  const echo = (text: string) => callTool(named(source.tools(), 'web__echo'), { text });

  it('lists and calls the tools of an HTTP server', async () => {
    expect(source.tools().map((t) => t.name)).toEqual(['web__echo']);
    expect(await echo('over http')).toEqual({ content: 'over http' });
  });

  it('an HTTP error is a tool error; the client reconnects once the endpoint answers again', async () => {
    failing = true;
    const failed = await echo('now?');
    expect(failed.isError).toBe(true);
    expect(failed.content).toMatch(/^Tool web__echo failed \(HTTP 503\): /);
    await waitUntil(
      () => Promise.resolve(source.connection.backoffDelays.length >= 3),
      'retries against the 503s',
    );
    expect(source.connection.status).not.toBe('ready');
    const unavailable = await echo('still?');
    expect(unavailable).toMatchObject({
      isError: true,
      content: expect.stringMatching(/'web' is unavailable/),
    });
    expect(source.tools().map((t) => t.name)).toEqual(['web__echo']);

    failing = false;
    await waitUntil(() => Promise.resolve(source.connection.status === 'ready'), 'reconnected');
    expect(await echo('back')).toEqual({ content: 'back' });
  });

  it('a refused connection is a tool error too, and the endpoint coming back is picked up', async () => {
    const before = await callCount('web', 'echo', 'failed');
    await stop();
    const refused = await echo('anyone?');
    expect(refused).toMatchObject({
      isError: true,
      content: expect.stringMatching(/fetch failed/),
    });
    expect(await callCount('web', 'echo', 'failed')).toBe(before + 1);
    await waitUntil(() => Promise.resolve(source.connection.status === 'down'), 'down');
    await listen();
    await waitUntil(() => Promise.resolve(source.connection.status === 'ready'), 'reconnected');
    expect(await echo('again')).toEqual({ content: 'again' });
    const delays = source.connection.backoffDelays;
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
  });
});
