import { Test, type TestingModule } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { dataSourceOptions, PersistenceModule } from '@switchboard/persistence';
import {
  ApprovedToolsSource,
  McpApiModule,
  McpToolSource,
  parseMcpServer,
  ToolApprovalsRepository,
  ToolRegistry,
  type ToolDefinition,
} from '@switchboard/tools';
import { DataSource } from 'typeorm';
import { callTool, named } from '../fixtures/mcp/mcp-test-kit';
import { scriptedServerCommand } from '../fixtures/mcp/scripted-server.command';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// Tool approvals by definition hash on real PostgreSQL, between a "worker" (McpToolSource on
// the scripted McpServer over stdio) and the API's side (McpApiModule: the approvals the
// admin endpoints use, and the approved tools in the API's registry): list_changed refreshes
// the tools, a changed definition is blocked until its new hash is approved, and a server
// that requires approval exposes nothing it was not approved for. The admin HTTP routes over
// these are in tests/e2e/mcp-admin.e2e-spec.ts.

describe('MCP tool approvals', () => {
  let env: TestEnv;
  let config: Config;
  let db: DataSource;
  let approvals: ToolApprovalsRepository;
  let api: TestingModule;
  const sources: McpToolSource[] = [];

  beforeAll(async () => {
    env = await createTestEnv({ MCP_APPROVAL_POLL_MS: '200' });
    config = loadConfig(env.env);
    db = new DataSource(dataSourceOptions(config.database, 'mcp-approvals-worker'));
    await db.initialize();
    approvals = new ToolApprovalsRepository(db);
    api = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('mcp-approvals-api'), McpApiModule],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await api.init();
  });

  afterAll(async () => {
    await Promise.allSettled(sources.map((s) => s.close()));
    await api?.close();
    await db?.destroy();
    await env?.cleanup();
  });

  async function worker(name: string, requireApproval = false): Promise<McpToolSource> {
    const server = parseMcpServer({
      name,
      transport: 'stdio',
      ...scriptedServerCommand(),
      allowedTools: ['*'],
      sideEffects: ['add_tool', 'redescribe', 'crash'],
      requireApproval,
    });
    const source = McpToolSource.fromConfig(server, { approvals, approvalPollMs: 200 });
    sources.push(source);
    expect(await source.start()).toBe(true);
    return source;
  }

  /** What the admin does: the API's repository approves, then its source re-reads. */
  async function approve(server: string, tool: string, hash?: string) {
    const result = await api.get(ToolApprovalsRepository).approve(server, tool, 'admin-api', hash);
    await api.get(ApprovedToolsSource).refresh();
    return result;
  }
  const history = (server: string) => approvals.list({ server });
  const apiTools = () =>
    api
      .get(ToolRegistry)
      .all()
      .map((t) => t.name);

  describe('a server whose tools change', () => {
    let source: McpToolSource;
    let changes = 0;

    beforeAll(async () => {
      source = await worker('scripted');
      source.onChange(() => (changes += 1));
    });

    it('records each tool with its hash, approved at first sight', async () => {
      const rows = await approvals.list({ server: 'scripted', currentOnly: true });
      expect(rows.map((r) => r.tool).sort()).toEqual([
        'add_tool',
        'crash',
        'echo',
        'garbage',
        'hang',
        'redescribe',
      ]);
      const echo = rows.find((r) => r.tool === 'echo')!;
      expect(echo).toMatchObject({ status: 'approved', approvedBy: 'auto', current: true });
      expect(echo.hash).toBe(source.entryList().find((e) => e.tool === 'echo')!.hash);
      expect(echo.definition).toMatchObject({ name: 'echo', description: 'Echoes its text' });
      expect(named(source.tools(), 'scripted__redescribe')?.sideEffects).toBe(true);
      expect(named(source.tools(), 'scripted__echo')?.sideEffects).toBe(false);
    });

    it('list_changed: a tool added by the server is seen and callable', async () => {
      const before = changes;
      const added = await callTool(named(source.tools(), 'scripted__add_tool'), { name: 'extra' });
      expect(added).toEqual({ content: 'added extra' });
      const extra = await waitUntil(
        () => Promise.resolve(named(source.tools(), 'scripted__extra')),
        'the new tool',
      );
      expect(changes).toBeGreaterThan(before);
      expect(await callTool(extra, {})).toEqual({ content: 'extra' });
      expect((await history('scripted')).some((r) => r.tool === 'extra')).toBe(true);
    });

    it('a changed definition is blocked until its new hash is approved', async () => {
      const oldEcho = named(source.tools(), 'scripted__echo') as ToolDefinition;
      const oldHash = source.entryList().find((e) => e.tool === 'echo')!.hash;
      const redescribe = named(source.tools(), 'scripted__redescribe');
      expect(await callTool(redescribe, { description: 'Echoes, loudly' })).toEqual({
        content: 'redescribed',
      });
      await waitUntil(() => Promise.resolve(!named(source.tools(), 'scripted__echo')), 'blocked');

      // Not exposed, and the model's earlier copy of it answers with a tool error.
      const blocked = await callTool(oldEcho, { text: 'hi' });
      expect(blocked.isError).toBe(true);
      expect(blocked.content).toMatch(/scripted__echo is blocked/);
      // The API reads approvals on its own poll: read them now rather than race it.
      await api.get(ApprovedToolsSource).refresh();
      expect(apiTools()).not.toContain('scripted__echo');

      const rows = (await history('scripted')).filter((r) => r.tool === 'echo');
      expect(rows).toHaveLength(2);
      const current = rows.find((r) => r.current)!;
      expect(current).toMatchObject({ status: 'blocked', approvedBy: null });
      expect(current.definition.description).toBe('Echoes, loudly');
      expect(current.hash).not.toBe(oldHash);
      expect(rows.find((r) => !r.current)).toMatchObject({ hash: oldHash, status: 'approved' });

      // A stale hash is refused: the admin approves only what they reviewed.
      expect(await approve('scripted', 'echo', oldHash)).toMatchObject({
        stale: true,
        current: { hash: current.hash },
      });
      expect(await approve('scripted', 'nope')).toBeNull();
      expect(await approve('scripted', 'echo', current.hash)).toMatchObject({
        stale: false,
        record: { status: 'approved', approvedBy: 'admin-api', hash: current.hash },
      });
      const audit: { actor: string; target: string }[] = await db.query(
        `SELECT actor, target FROM audit_log WHERE action = 'mcp.tool.approve'`,
      );
      expect(audit).toEqual([{ actor: 'admin-api', target: 'scripted/echo' }]);

      // The worker sees the approval at its next poll; the API lists it at once.
      expect(apiTools()).toContain('scripted__echo');
      const echo = await waitUntil(
        () => Promise.resolve(named(source.tools(), 'scripted__echo')),
        'echo approved again',
      );
      expect(echo.description).toBe('Echoes, loudly');
      expect(await callTool(echo, { text: 'hi' })).toEqual({ content: 'hi' });
    });

    it("the API's registry lists approved tools known to workers, and runs none", async () => {
      await api.get(ApprovedToolsSource).refresh();
      expect(apiTools()).toEqual(
        expect.arrayContaining(['scripted__echo', 'scripted__extra', 'scripted__hang']),
      );
      const output = await callTool(api.get(ToolRegistry).get('scripted__echo'), { text: 'x' });
      expect(output).toMatchObject({
        isError: true,
        content: expect.stringContaining('runs only in workers'),
      });
    });
  });

  it('requireApproval: nothing is exposed until approved', async () => {
    const gated = await worker('gated', true);
    expect(gated.tools()).toEqual([]);
    expect(gated.entryList().every((e) => e.status === 'blocked')).toBe(true);
    const rows = await approvals.list({ server: 'gated', currentOnly: true });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'blocked')).toBe(true);
    expect(await approve('gated', 'echo')).toMatchObject({ stale: false });
    const echo = await waitUntil(
      () => Promise.resolve(named(gated.tools(), 'gated__echo')),
      'gated echo approved',
    );
    expect(gated.tools().map((t) => t.name)).toEqual(['gated__echo']);
    expect(await callTool(echo, { text: 'let in' })).toEqual({ content: 'let in' });
    expect(apiTools()).toContain('gated__echo');
    expect(apiTools()).not.toContain('gated__hang');
  });
});
