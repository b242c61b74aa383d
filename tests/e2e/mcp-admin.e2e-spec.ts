import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptedServerCommand } from '../fixtures/mcp/scripted-server.command';
import type { HttpResult } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { waitUntil } from '../support/worker-kit';

// The MCP approval endpoints on the running API, with a worker that connects to a real MCP
// server (the scripted McpServer over stdio) declared in MCP_SERVERS_FILE with
// requireApproval: the worker records its tools blocked, the admin lists and approves one.

interface Row {
  name: string;
  server: string;
  tool: string;
  hash: string;
  status: string;
  current: boolean;
  approvedBy: string | null;
}

const dir = mkdtempSync(join(tmpdir(), 'sb-mcp-e2e-'));
const serversFile = join(dir, 'mcp-servers.json');
writeFileSync(
  serversFile,
  JSON.stringify({
    servers: [
      {
        name: 'scripted',
        transport: 'stdio',
        ...scriptedServerCommand(),
        allowedTools: ['echo', 'hang'],
        requireApproval: true,
      },
    ],
  }),
);

describe('MCP tool approvals over HTTP', () => {
  const platform = usePlatform({ MCP_SERVERS_FILE: serversFile, MCP_APPROVAL_POLL_MS: '200' });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const list = () =>
    platform.http<{ data: Row[] }>('GET', '/v1/admin/mcp/tools?server=scripted', { admin: true });

  it('needs the admin credential', async () => {
    expectProblem(
      await platform.http('GET', '/v1/admin/mcp/tools'),
      401,
      'admin-credential-required',
    );
  });

  it('lists what the worker saw, blocked, and approves the current hash only', async () => {
    const rows = await waitUntil(async () => {
      const res = await list();
      return res.status === 200 && res.body.data.length === 2 ? res.body.data : undefined;
    }, 'the worker recording the tools');
    expect(rows.map((r) => [r.name, r.status, r.current])).toEqual([
      ['scripted__echo', 'blocked', true],
      ['scripted__hang', 'blocked', true],
    ]);
    const echo = rows[0];
    expect(echo.hash).toMatch(/^[0-9a-f]{64}$/);

    const stale: HttpResult = await platform.http(
      'POST',
      '/v1/admin/mcp/servers/scripted/tools/echo/approve',
      {
        admin: true,
        body: { hash: '0'.repeat(64) },
      },
    );
    expectProblem(stale, 409, 'conflict');
    expect(stale.body.currentHash).toBe(echo.hash);
    expectProblem(
      await platform.http('POST', '/v1/admin/mcp/servers/scripted/tools/nope/approve', {
        admin: true,
        body: {},
      }),
      404,
      'not-found',
    );
    expectProblem(
      await platform.http('POST', '/v1/admin/mcp/servers/scripted/tools/echo/approve', {
        admin: true,
        body: { hash: 'short' },
      }),
      422,
      'invalid-input',
    );

    const approved = await platform.http<Row>(
      'POST',
      '/v1/admin/mcp/servers/scripted/tools/echo/approve',
      {
        admin: true,
        body: { hash: echo.hash },
      },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      name: 'scripted__echo',
      status: 'approved',
      approvedBy: 'admin-api',
    });
    const after = (await list()).body.data;
    expect(after.map((r) => [r.tool, r.status])).toEqual([
      ['echo', 'approved'],
      ['hang', 'blocked'],
    ]);
    const history = await platform.http<{ data: Row[] }>(
      'GET',
      '/v1/admin/mcp/tools?history=true',
      {
        admin: true,
      },
    );
    expect(history.body.data).toHaveLength(2);
    expectProblem(
      await platform.http('GET', '/v1/admin/mcp/tools?bogus=1', { admin: true }),
      422,
      'invalid-query',
    );
  });
});
