import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { dataSourceOptions, PersistenceModule } from '@switchboard/persistence';
import {
  McpSharedServers,
  McpToolSource,
  McpWorkerModule,
  openJobTools,
  parseMcpServer,
  ToolApprovalsRepository,
  ToolRegistry,
  type McpJobTools,
} from '@switchboard/tools';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { scriptedServerCommand } from '../fixtures/mcp/scripted-server.command';
import { callContext, callCount, callTool, named, serverBin } from '../fixtures/mcp/mcp-test-kit';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { waitUntil } from '../support/worker-kit';

// The MCP client against real servers installed from npm (filesystem, memory, git) and the
// SDK's own McpServer (tests/fixtures/mcp/scripted-server.ts), all over stdio, with tool
// approvals in a real PostgreSQL schema.

describe('MCP client against real servers', () => {
  let env: TestEnv;
  let config: Config;
  let db: DataSource;
  let approvals: ToolApprovalsRepository;
  let tmp: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    config = loadConfig(env.env);
    db = new DataSource(dataSourceOptions(config.database, 'mcp-client-int-spec'));
    await db.initialize();
    approvals = new ToolApprovalsRepository(db);
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'sb-mcp-')));
  });

  afterAll(async () => {
    await Promise.allSettled(closers.map((close) => close()));
    await db?.destroy();
    await env?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function shared(input: Parameters<typeof parseMcpServer>[0]): Promise<McpToolSource> {
    const source = McpToolSource.fromConfig(parseMcpServer(input), { approvals });
    closers.push(() => source.close());
    expect(await source.start()).toBe(true);
    return source;
  }

  describe('filesystem server in a per-job workspace', () => {
    let job: McpJobTools;
    const fs = () => job.sources[0];
    const ctx = callContext({ jobId: 'job-1', tenantId: 'tenant-a' });

    beforeAll(async () => {
      const server = parseMcpServer({
        name: 'fs',
        transport: 'stdio',
        command: serverBin('mcp-server-filesystem'),
        args: ['{workspace}'],
        local: true,
        allowedTools: ['*'],
        sideEffects: ['write_*', 'edit_*', 'move_*', 'create_*'],
        workspace: 'perJob',
      });
      const root = join(tmp, 'workspaces');
      job = await openJobTools(
        [server],
        { root, tenantId: 'tenant-a', jobId: 'job-1' },
        { approvals },
      );
      closers.push(() => job.close());
    });

    it('starts the server rooted in <root>/<tenant>/<job>', () => {
      expect(job.workspace).toBe(join(tmp, 'workspaces', 'tenant-a', 'job-1'));
      const tools = fs().tools();
      expect(named(tools, 'fs__write_file')).toMatchObject({
        origin: { kind: 'mcp', server: 'fs' },
        privacyCompatible: true,
        sideEffects: true,
      });
      expect(named(tools, 'fs__read_text_file')).toMatchObject({ sideEffects: false });
    });

    it('writes and reads files inside the workspace', async () => {
      const write = await callTool(
        named(fs().tools(), 'fs__write_file'),
        { path: 'notes.txt', content: 'hello from the job' },
        ctx,
      );
      expect(write.isError).toBeUndefined();
      expect(readFileSync(join(job.workspace, 'notes.txt'), 'utf8')).toBe('hello from the job');
      const read = await callTool(
        named(fs().tools(), 'fs__read_text_file'),
        { path: 'notes.txt' },
        ctx,
      );
      expect(read).toMatchObject({ content: 'hello from the job' });
      expect(read.isError).toBeUndefined();
    });

    it('refuses ../../etc/passwd and symlinks out of the workspace, and audits the refusal', async () => {
      const read = named(fs().tools(), 'fs__read_text_file');
      symlinkSync('/etc', join(job.workspace, 'etc-link'));
      symlinkSync('/etc/passwd', join(job.workspace, 'passwd-link'));
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const before = await callCount('fs', 'read_text_file', 'tool_error');
      try {
        for (const path of ['../../etc/passwd', 'etc-link/passwd', 'passwd-link']) {
          const output = await callTool(read, { path }, ctx);
          expect(output.isError).toBe(true);
          expect(output.content).toMatch(/Access denied/);
          expect(output.content).not.toMatch(/root:x:0/);
        }
        expect(await callCount('fs', 'read_text_file', 'tool_error')).toBe(before + 3);
        const audited = warn.mock.calls.map((c) => String(c[0]));
        expect(
          audited.filter((m) =>
            /fs__read_text_file tool_error \(job job-1, tenant tenant-a\): Access denied/.test(m),
          ),
        ).toHaveLength(3);
      } finally {
        warn.mockRestore();
      }
    });

    it("checks the model's arguments against the server's schema", () => {
      const check = named(fs().tools(), 'fs__read_text_file')!.check({ file: 'x' });
      expect(check).toMatchObject({
        ok: false,
        error: expect.stringContaining("required property 'path'"),
      });
    });
  });

  it('memory server: entities created are read back', async () => {
    const memory = await shared({
      name: 'memory',
      transport: 'stdio',
      command: serverBin('mcp-server-memory'),
      env: { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') },
      local: true,
      allowedTools: ['*'],
    });
    const tools = memory.tools();
    expect(named(tools, 'memory__create_entities')?.sideEffects).toBe(true);
    expect(named(tools, 'memory__open_nodes')?.sideEffects).toBe(false);
    const created = await callTool(named(tools, 'memory__create_entities'), {
      entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }],
    });
    expect(created.isError).toBeUndefined();
    const read = await callTool(named(tools, 'memory__open_nodes'), { names: ['Ada'] });
    expect(read.isError).toBeUndefined();
    expect(read.content).toContain('wrote the first program');
    expect(existsSync(join(tmp, 'memory.jsonl'))).toBe(true);
  });

  it('git server, read-only: status and log work, push and commit are not exposed', async () => {
    const repo = join(tmp, 'repo');
    const git = (...args: string[]) =>
      execFileSync('git', [
        '-c',
        'user.name=T',
        '-c',
        'user.email=t@example.com',
        '-C',
        repo,
        ...args,
      ]);
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'README.md'), '# demo\n');
    git('add', 'README.md');
    git('commit', '-q', '-m', 'first commit of the demo');
    writeFileSync(join(repo, 'new.txt'), 'untracked\n');
    const source = await shared({
      name: 'git',
      transport: 'stdio',
      command: serverBin('git-mcp-server'),
      env: { MCP_TRANSPORT_TYPE: 'stdio', MCP_LOG_LEVEL: 'error', GIT_BASE_DIR: tmp },
      local: true,
      allowedTools: ['git_status', 'git_log', 'git_diff', 'git_show', 'git_blame'],
    });
    const names = source.tools().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['git__git_status', 'git__git_log']));
    expect(names.filter((n) => /push|commit|reset|clean|checkout|set_working_dir/.test(n))).toEqual(
      [],
    );
    expect(source.entryList().map((e) => e.tool)).not.toContain('git_push');
    expect(source.tools().every((t) => !t.sideEffects)).toBe(true);

    const status = await callTool(named(source.tools(), 'git__git_status'), { path: repo });
    expect(status.isError).toBeUndefined();
    expect(status.content).toContain('new.txt');
    const log = await callTool(named(source.tools(), 'git__git_log'), { path: repo });
    expect(log.isError).toBeUndefined();
    expect(log.content).toContain('first commit of the demo');
  });

  describe('the scripted server: hangs, garbage, cancel', () => {
    let scripted: McpToolSource;

    beforeAll(async () => {
      scripted = await shared({
        name: 'slow',
        transport: 'stdio',
        ...scriptedServerCommand(),
        allowedTools: ['echo', 'hang', 'garbage'],
        timeouts: { connectMs: 20_000, callMs: 1_000 },
      });
    });

    it('a hanging call times out into a tool error, and the server still answers', async () => {
      const before = await callCount('slow', 'hang', 'timeout');
      const output = await callTool(named(scripted.tools(), 'slow__hang'), {});
      expect(output).toEqual({
        content: 'Tool slow__hang timed out after 1000 ms.',
        isError: true,
      });
      expect(await callCount('slow', 'hang', 'timeout')).toBe(before + 1);
      expect(await callTool(named(scripted.tools(), 'slow__echo'), { text: 'still here' })).toEqual(
        {
          content: 'still here',
        },
      );
    });

    it("the job's cancel aborts the call into a tool error", async () => {
      const controller = new AbortController();
      const pending = callTool(
        named(scripted.tools(), 'slow__hang'),
        {},
        callContext({ signal: controller.signal }),
      );
      controller.abort();
      expect(await pending).toEqual({ content: 'Tool slow__hang was cancelled.', isError: true });
    });

    it('a malformed result is a tool error, not a throw', async () => {
      const output = await callTool(named(scripted.tools(), 'slow__garbage'), {});
      expect(output.isError).toBe(true);
      expect(output.content).toMatch(/^Tool slow__garbage failed: /);
    });
  });

  describe('worker boot: shared servers in the tool registry', () => {
    let moduleRef: TestingModule;
    let registry: ToolRegistry;
    let servers: McpSharedServers;

    beforeAll(async () => {
      const file = join(tmp, 'mcp-servers.json');
      const scripted = scriptedServerCommand();
      writeFileSync(
        file,
        JSON.stringify({
          servers: [
            {
              name: 'crashy',
              transport: 'stdio',
              command: process.execPath,
              args: ['-e', 'process.exit(1)'],
              allowedTools: ['*'],
              reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
            },
            {
              name: 'memory2',
              transport: 'stdio',
              command: serverBin('mcp-server-memory'),
              env: { MEMORY_FILE_PATH: join(tmp, 'memory2.jsonl') },
              local: true,
              allowedTools: ['read_graph', 'open_nodes'],
            },
            {
              name: 'phoenix',
              transport: 'stdio',
              ...scripted,
              allowedTools: ['echo', 'crash'],
              reconnect: { initialDelayMs: 1000, maxDelayMs: 2000 },
            },
          ],
        }),
      );
      const workerConfig = loadConfig({ ...env.env, MCP_SERVERS_FILE: file });
      moduleRef = await Test.createTestingModule({
        imports: [ConfigModule, PersistenceModule.forRoot('mcp-worker-int-spec'), McpWorkerModule],
      })
        .overrideProvider(Config)
        .useValue(workerConfig)
        .compile();
      await moduleRef.init();
      registry = moduleRef.get(ToolRegistry);
      servers = moduleRef.get(McpSharedServers);
      await servers.ready();
    });

    afterAll(() => moduleRef?.close());

    it("a server that keeps crashing hides none of the others' tools", () => {
      const names = registry.all().map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining(['memory2__read_graph', 'memory2__open_nodes', 'phoenix__echo']),
      );
      expect(names.filter((n) => n.startsWith('crashy__'))).toEqual([]);
      expect(names).not.toContain('memory2__create_entities');
      expect(registry.get('memory2__create_entities')).toBeUndefined();
    });

    it('retries the crashing server with exponential backoff, capped', async () => {
      const connection = servers.get('crashy')!.connection;
      await waitUntil(() => Promise.resolve(connection.backoffDelays.length >= 6), 'six retries');
      const delays = connection.backoffDelays.slice(0, 6);
      delays.forEach((delay, i) => {
        const base = Math.min(400, 50 * 2 ** i);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(delay).toBeLessThanOrEqual(base);
      });
      expect(connection.status).not.toBe('ready');
    });

    it('a crashed server is reconnected and its tools work again', async () => {
      const phoenix = servers.get('phoenix')!;
      const firstPid = phoenix.connection.pid;
      expect(await callTool(registry.get('phoenix__crash'), {})).toEqual({ content: 'exiting' });
      await waitUntil(
        () => Promise.resolve(phoenix.connection.status === 'down'),
        'the crash seen',
      );
      const down = await callTool(registry.get('phoenix__echo'), { text: 'anyone?' });
      expect(down.isError).toBe(true);
      expect(down.content).toMatch(/MCP server 'phoenix' is unavailable/);
      await waitUntil(() => Promise.resolve(phoenix.connection.status === 'ready'), 'reconnected');
      expect(phoenix.connection.pid).not.toBe(firstPid);
      expect(await callTool(registry.get('phoenix__echo'), { text: 'back' })).toEqual({
        content: 'back',
      });
    });
  });
});
