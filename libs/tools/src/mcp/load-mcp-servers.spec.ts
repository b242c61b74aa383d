import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMcpServers, McpConfigError, parseMcpServer } from './load-mcp-servers';
import { createWorkspace, forWorkspace } from './mcp-workspaces';

describe('MCP servers config', () => {
  let dir: string;
  const file = (content: unknown) => {
    const path = join(dir, `servers-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const problems = (action: () => unknown): string[] => {
    try {
      action();
    } catch (error) {
      if (error instanceof McpConfigError) return error.problems;
      throw error;
    }
    throw new Error('no error');
  };

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sb-mcp-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills in defaults and reads ${VAR} from the environment', () => {
    const servers = loadMcpServers(
      file({
        servers: [
          { name: 'fs', transport: 'stdio', command: 'fs-server', allowedTools: ['read_*'] },
          {
            name: 'remote',
            transport: 'http',
            url: 'https://mcp.example.com/mcp',
            headers: { Authorization: 'Bearer ${REMOTE_TOKEN}' },
            allowedTools: ['*'],
          },
        ],
      }),
      { REMOTE_TOKEN: 'tok-123' },
    );
    expect(servers[0]).toMatchObject({
      args: [],
      env: {},
      local: false,
      sideEffects: [],
      requireApproval: false,
      roles: [],
      workspace: 'shared',
      timeouts: { connectMs: 30_000, callMs: 60_000 },
      reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 },
    });
    expect(servers[1]).toMatchObject({ headers: { Authorization: 'Bearer tok-123' } });
  });

  it("checks a server's roles against the catalogue's roles", () => {
    const server = (roles: unknown, name = 'notes') =>
      ({ name, transport: 'stdio', command: 'n', allowedTools: ['*'], roles }) as never;
    expect(parseMcpServer(server(['researcher', 'chat']))).toMatchObject({
      roles: ['researcher', 'chat'],
    });
    expect(problems(() => parseMcpServer(server(['researcher', 'wizard'])))).toEqual([
      expect.stringMatching(/^roles\.1: not a role \(roles: chat, planner, .*judge\)$/),
    ]);
    expect(problems(() => parseMcpServer(server(['judge', 'judge'])))).toEqual([
      'roles: a role is listed twice',
    ]);
    const path = file({ servers: [server('coder', 'n2')] });
    expect(problems(() => loadMcpServers(path, {}))).toEqual([
      expect.stringMatching(/^servers\[0\] \(n2\)\.roles: /),
    ]);
  });

  it('accepts config/mcp-servers.example.json', () => {
    const example = join(__dirname, '../../../../config/mcp-servers.example.json');
    const servers = loadMcpServers(example, { GIT_BASE_DIR: '/srv/repos', SEARCH_MCP_TOKEN: 't' });
    expect(servers.map((s) => `${s.name}:${s.transport}:${s.workspace}`)).toEqual([
      'filesystem:stdio:perJob',
      'memory:stdio:shared',
      'git:stdio:shared',
      'search:http:shared',
    ]);
  });

  it('names the server and the field of every problem', () => {
    const path = file({
      servers: [
        { name: 'git', transport: 'stdio', allowedTools: [] },
        { name: 'bad_name', transport: 'http', url: 'ftp://x', allowedTools: ['*'] },
        {
          name: 'fs',
          transport: 'http',
          url: 'http://x',
          allowedTools: ['*'],
          workspace: 'perJob',
        },
        { name: 'git', transport: 'stdio', command: 'g', allowedTools: ['*'], extra: 1 },
      ],
    });
    const found = problems(() => loadMcpServers(path, {}));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^servers\[0\] \(git\)\.command: /),
        expect.stringMatching(/^servers\[0\] \(git\)\.allowedTools: list at least one pattern/),
        expect.stringMatching(/^servers\[1\] \(bad_name\)\.name: letters, digits and "-" only/),
        expect.stringMatching(/^servers\[1\] \(bad_name\)\.url: /),
        expect.stringMatching(/^servers\[3\] \(git\): Unrecognized key: "extra"/),
      ]),
    );
  });

  it('reports cross-field problems and unset variables', () => {
    const perJobHttp = file({
      servers: [
        { name: 'a', transport: 'http', url: 'http://x', allowedTools: ['*'], workspace: 'perJob' },
        { name: 'A', transport: 'stdio', command: 'c', allowedTools: ['*'] },
      ],
    });
    expect(problems(() => loadMcpServers(perJobHttp, {}))).toEqual([
      'servers[0] (a).workspace: perJob servers must use the stdio transport (they are started per job)',
      "servers[1] (A).name: 'A' is declared twice",
    ]);
    const unset = file({
      servers: [
        { name: 'a', transport: 'stdio', command: 'c', env: { T: '${NOPE}' }, allowedTools: ['*'] },
      ],
    });
    expect(problems(() => loadMcpServers(unset, {}))).toEqual([
      'servers[0] (a).env.T: ${NOPE} is not set',
    ]);
    expect(problems(() => loadMcpServers(file('{ not json'), {}))[0]).toMatch(/JSON/);
    expect(problems(() => loadMcpServers(join(dir, 'missing.json'), {}))[0]).toMatch(/ENOENT/);
  });

  it('parses one server declared in code, with the same rules', () => {
    expect(
      parseMcpServer({ name: 'm', transport: 'stdio', command: 'm', allowedTools: ['*'] }),
    ).toMatchObject({ name: 'm', parallel: true, maxOutputBytes: 100_000 });
    expect(
      problems(() =>
        parseMcpServer({ name: 'm', transport: 'stdio', command: '', allowedTools: ['*'] }),
      ),
    ).toEqual([expect.stringMatching(/^command: /)]);
  });

  it('puts the workspace into a perJob server’s args, env and cwd', () => {
    const server = parseMcpServer({
      name: 'fs',
      transport: 'stdio',
      command: 'fs',
      args: ['--root', '{workspace}'],
      env: { HOME_DIR: '{workspace}/home' },
      allowedTools: ['*'],
      workspace: 'perJob',
    });
    expect(forWorkspace(server, '/w/t/j')).toMatchObject({
      args: ['--root', '/w/t/j'],
      env: { HOME_DIR: '/w/t/j/home' },
      cwd: '/w/t/j',
    });
  });

  it('makes workspaces only from ids that cannot climb out of the root', async () => {
    await expect(createWorkspace(dir, 'tenant-a', 'job-1')).resolves.toBe(
      join(dir, 'tenant-a', 'job-1'),
    );
    for (const [tenant, job] of [
      ['..', 'j'],
      ['t', '../../etc'],
      ['t/x', 'j'],
      ['t', ''],
      ['.hidden', 'j'],
    ]) {
      await expect(createWorkspace(dir, tenant, job)).rejects.toThrow(/cannot name a workspace/);
    }
  });
});
