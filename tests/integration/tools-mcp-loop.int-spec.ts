import { Test, type TestingModule } from '@nestjs/testing';
import type { CapabilityScope, DurableSteps } from '@switchboard/actors';
import type { Role } from '@switchboard/catalogue';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import type { LlmRouting } from '@switchboard/llm';
import { PersistenceModule } from '@switchboard/persistence';
import {
  ApprovedToolsSource,
  McpApiModule,
  McpSharedServers,
  McpWorkerModule,
  ToolRegistry,
  ToolsCapability,
  type ToolRunRequest,
} from '@switchboard/tools';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverBin } from '../fixtures/mcp/mcp-test-kit';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { buildRouter, fakeModel, fakeProvider, type RouterKit } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';

// ctx.tools.run with MCP servers from a servers file, below the job runner: each turn through
// the real router to the fake OpenAI server (scripted tool calls); a perJob
// mcp-server-filesystem started per run in the job's workspace and closed after it; a shared
// mcp-server-memory named `notes` that grants its tools to researchers (`roles`). Then the
// API's side: the tools workers recorded, with the same roles, in listing and 403 checks.

jest.setTimeout(60_000);

/** Ids of the processes whose command line has `arg` as one of its arguments. */
function processesWith(arg: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(arg)) {
        pids.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
};

/** DurableSteps over an in-memory journal (one per run here: each run is a fresh attempt). */
class MemorySteps implements DurableSteps {
  private readonly journal: { value: unknown }[] = [];
  private position = 0;
  async once<T>(_label: string, work: () => Promise<T>): Promise<{ value: T }> {
    const at = this.position++;
    if (this.journal[at]) return { value: this.journal[at].value as T };
    const value = await work();
    this.journal[at] = { value };
    return { value };
  }
}

const toolNames = (body: { tools?: { function: { name: string } }[] }): string[] =>
  (body.tools ?? []).map((t) => t.function.name);

describe('tool loop with MCP servers (perJob filesystem, server roles)', () => {
  let env: TestEnv;
  let fake: FakeProviderServer;
  let redis: Redis;
  let kit: RouterKit;
  let worker: TestingModule;
  let capability: ToolsCapability;
  let registry: ToolRegistry;
  let tmp: string;
  let root: string;
  let serversFile: string;
  const tenantId = randomUUID();
  /** Processes seen with a workspace argument while the model was being asked. */
  const seenPids = new Set<number>();

  beforeAll(async () => {
    env = await createTestEnv();
    fake = await startFakeProvider('openai');
    redis = new Redis(TEST_REDIS_URL);
    kit = buildRouter(redis, env.env.QUEUE_PREFIX, {
      providers: [fakeProvider('x', fake, { local: true })],
      models: [fakeModel('x', 'x-tools', [0, 1], { capabilities: ['chat', 'tools'] })],
    });
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'sb-tools-mcp-')));
    root = join(tmp, 'workspaces');
    serversFile = join(tmp, 'servers.json');
    writeFileSync(
      serversFile,
      JSON.stringify({
        servers: [
          {
            name: 'filesystem',
            transport: 'stdio',
            command: serverBin('mcp-server-filesystem'),
            args: ['{workspace}'],
            workspace: 'perJob',
            local: true,
            allowedTools: ['*'],
            sideEffects: ['write_file', 'edit_file', 'move_file', 'create_directory'],
          },
          {
            name: 'notes',
            transport: 'stdio',
            command: serverBin('mcp-server-memory'),
            env: { MEMORY_FILE_PATH: join(tmp, 'notes.jsonl') },
            local: true,
            allowedTools: ['read_graph', 'search_nodes'],
            roles: ['researcher'],
          },
        ],
      }),
    );
    const config = loadConfig({
      ...env.env,
      MCP_SERVERS_FILE: serversFile,
      MCP_WORKSPACE_ROOT: root,
    });
    worker = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('tools-mcp-loop-worker'), McpWorkerModule],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await worker.init();
    await worker.get(McpSharedServers).ready();
    capability = worker.get(ToolsCapability);
    registry = worker.get(ToolRegistry);
  });

  // At every LLM request of a run: note which workspace servers are running right then.
  const watchServers = () =>
    fake.respond(() => {
      for (const dir of workspaceDirs()) for (const pid of processesWith(dir)) seenPids.add(pid);
      return undefined;
    });

  beforeEach(() => {
    seenPids.clear();
    watchServers();
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await worker?.close();
    redis?.disconnect();
    await fake?.close();
    await env?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const workspaceOf = (jobId: string) => join(root, tenantId, jobId);
  const workspaceDirs = () =>
    existsSync(join(root, tenantId))
      ? readdirSync(join(root, tenantId)).map((d) => workspaceOf(d))
      : [];

  function job(role: Role, extra: { jobId?: string; allowedTools?: string[] } = {}) {
    const jobId = extra.jobId ?? randomUUID();
    const controller = new AbortController();
    const routing: LlmRouting = { tier: 1, privacy: false, signal: controller.signal };
    const scope: CapabilityScope = {
      message: {
        jobId,
        tenantId,
        role,
        tier: 1,
        privacy: false,
        input: { task: 'x' },
        attempt: 1,
        ...(extra.allowedTools ? { allowedTools: extra.allowedTools } : {}),
      },
      llm: {
        chat: (request) => kit.router.chat(request, routing),
        stream: (request) => kit.router.stream(request, routing),
        embed: (request) => kit.router.embed(request, routing),
        rerank: (request) => kit.router.rerank(request, routing),
      },
      signal: controller.signal,
      events: { token: () => undefined, publish: () => undefined },
      steps: new MemorySteps(),
      track: (work) => work,
    };
    return { jobId, tools: capability.forRun(scope) };
  }

  const ask = (extra: Partial<ToolRunRequest> = {}): ToolRunRequest => ({
    messages: [{ role: 'user', content: 'keep notes' }],
    maxTurns: 4,
    ...extra,
  });

  let coderJobId: string;
  let firstPid: number;

  it("starts the job's filesystem server for the run, in its workspace, and closes it after", async () => {
    fake.script(
      {
        type: 'ok',
        toolCalls: [
          {
            name: 'filesystem__write_file',
            arguments: { path: 'notes.txt', content: 'written in run one' },
          },
        ],
      },
      {
        type: 'ok',
        toolCalls: [
          { name: 'filesystem__read_file', arguments: { path: 'notes.txt' } },
          { name: 'filesystem__read_file', arguments: { path: '../../etc/passwd' } },
        ],
      },
      { type: 'ok', text: 'noted' },
    );
    const { jobId, tools } = job('coder');
    coderJobId = jobId;
    const workspace = workspaceOf(jobId);
    expect(existsSync(workspace)).toBe(false);
    expect(tools.list().filter((t) => t.name.startsWith('filesystem__'))).toEqual([]);

    const result = await tools.run(ask());

    expect(result).toMatchObject({ stoppedBy: 'answer', turns: 3 });
    expect(result.calls.map((c) => [c.turn, c.name, c.server, c.outcome])).toEqual([
      [1, 'filesystem__write_file', 'filesystem', 'ok'],
      [2, 'filesystem__read_file', 'filesystem', 'ok'],
      [2, 'filesystem__read_file', 'filesystem', 'error'],
    ]);
    const toolMessages = result.messages.filter((m) => m.role === 'tool');
    expect(toolMessages[1]).toMatchObject({ content: 'written in run one' });
    expect(toolMessages[1]).not.toHaveProperty('isError');
    expect(toolMessages[2]).toMatchObject({
      isError: true,
      content: expect.stringMatching(/Access denied/),
    });
    expect(toolMessages[2].content).not.toMatch(/root:x:0/);

    // The model was offered the server's tools beside the coder's own, and nothing else.
    const offered = toolNames(fake.received[0].body);
    expect(offered).toEqual(
      expect.arrayContaining(['code_check', 'filesystem__write_file', 'filesystem__read_file']),
    );
    expect(offered.filter((n) => n.startsWith('notes__'))).toEqual([]);

    // Rooted in <root>/<tenant>/<job>: the file is there, and stays after the run.
    expect(readFileSync(join(workspace, 'notes.txt'), 'utf8')).toBe('written in run one');

    // One server process was running during the run, with the workspace as its root; gone now.
    expect(seenPids.size).toBe(1);
    [firstPid] = [...seenPids];
    expect(alive(firstPid)).toBe(false);
    expect(processesWith(workspace)).toEqual([]);
    expect(registry.all().filter((t) => t.name.startsWith('filesystem__'))).toEqual([]);
    expect(tools.list().filter((t) => t.name.startsWith('filesystem__'))).toEqual([]);

    const rows = await queryEnv<{ tool: string; server: string; outcome: string }>(
      env,
      'SELECT tool, server, outcome FROM tool_invocations WHERE job_id = $1 ORDER BY id',
      [jobId],
    );
    expect(rows.map((r) => [r.tool, r.server, r.outcome])).toEqual([
      ['filesystem__write_file', 'filesystem', 'ok'],
      ['filesystem__read_file', 'filesystem', 'ok'],
      ['filesystem__read_file', 'filesystem', 'error'],
    ]);
  });

  it('a second run of the same job starts the server again on the same workspace and finds the file', async () => {
    fake.script(
      {
        type: 'ok',
        toolCalls: [{ name: 'filesystem__read_file', arguments: { path: 'notes.txt' } }],
      },
      { type: 'ok', text: 'found it' },
    );
    // A new ToolLoop for the same job, as a re-run after a crash gets.
    const { tools } = job('coder', { jobId: coderJobId });
    const result = await tools.run(ask());
    expect(result.calls.map((c) => [c.name, c.outcome])).toEqual([['filesystem__read_file', 'ok']]);
    expect(result.messages.find((m) => m.role === 'tool')).toMatchObject({
      content: 'written in run one',
    });
    expect(seenPids.size).toBe(1);
    const [pid] = [...seenPids];
    expect(pid).not.toBe(firstPid);
    expect(alive(pid)).toBe(false);
  });

  it('closes the server when the run throws (the provider refuses the call)', async () => {
    fake.setDefault({ type: 'status', status: 400 });
    const { tools } = job('coder', { jobId: coderJobId });
    await expect(tools.run(ask())).rejects.toThrow();
    expect(seenPids.size).toBe(1);
    expect(alive([...seenPids][0])).toBe(false);
    expect(processesWith(workspaceOf(coderJobId))).toEqual([]);
  });

  it("starts no server for a run that cannot see the server's tools", async () => {
    const runs: { role: Role; allowedTools?: string[]; tools?: string[] }[] = [
      { role: 'chat' }, // chat's allowlist names no filesystem__ tool
      { role: 'coder', allowedTools: ['code_check'] }, // the job narrowed it away
      { role: 'coder', tools: ['code_*'] }, // the run narrowed it away
    ];
    for (const { role, allowedTools, tools: narrowing } of runs) {
      fake.script(
        {
          type: 'ok',
          toolCalls: [{ name: 'filesystem__read_file', arguments: { path: 'notes.txt' } }],
        },
        { type: 'ok', text: 'no files here' },
      );
      const { jobId, tools } = job(role, { allowedTools });
      const result = await tools.run(ask({ tools: narrowing }));
      expect(result.calls.map((c) => [c.name, c.outcome])).toEqual([
        ['filesystem__read_file', 'error'],
      ]);
      expect(result.calls[0].error).toMatch(/^There is no tool 'filesystem__read_file'/);
      expect(toolNames(fake.received[0].body).filter((n) => n.includes('__'))).toEqual([]);
      expect(existsSync(workspaceOf(jobId))).toBe(false);
      fake.reset();
      watchServers();
    }
    expect(seenPids.size).toBe(0);
  });

  it("gives a server's tools to the roles it names: researchers see notes__*, chat jobs do not", async () => {
    const researcher = { role: 'researcher' as const, tier: 1 as const, privacy: false };
    const notes = (role: Role) =>
      registry
        .forJob({ ...researcher, role })
        .map((t) => t.name)
        .filter((n) => n.startsWith('notes__'));
    expect(notes('researcher')).toEqual(['notes__read_graph', 'notes__search_nodes']);
    expect(notes('chat')).toEqual([]);
    expect(registry.checkRequest({ ...researcher, allowedTools: ['notes__*'] })).toBeUndefined();
    expect(
      registry.checkRequest({ ...researcher, role: 'chat', allowedTools: ['notes__*'] }),
    ).toEqual({ kind: 'tool-not-allowed', pattern: 'notes__*' });

    fake.script(
      { type: 'ok', toolCalls: [{ name: 'notes__read_graph', arguments: {} }] },
      { type: 'ok', text: 'nothing noted yet' },
    );
    const run = await job('researcher').tools.run(ask());
    expect(run.calls.map((c) => [c.name, c.server, c.outcome])).toEqual([
      ['notes__read_graph', 'notes', 'ok'],
    ]);
    expect(toolNames(fake.received[0].body)).toEqual(
      expect.arrayContaining(['notes__read_graph', 'notes__search_nodes', 'http_fetch']),
    );

    fake.script(
      { type: 'ok', toolCalls: [{ name: 'notes__read_graph', arguments: {} }] },
      { type: 'ok', text: 'cannot' },
    );
    const chat = await job('chat').tools.run(ask());
    expect(chat.calls.map((c) => [c.name, c.outcome])).toEqual([['notes__read_graph', 'error']]);
    expect(chat.calls[0].error).toMatch(/^The tool 'notes__read_graph' is not available/);
    expect(toolNames(fake.received[2].body).filter((n) => n.startsWith('notes__'))).toEqual([]);
  });

  it('the API lists what workers recorded, perJob tools included, with the same roles at submission', async () => {
    const api = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('tools-mcp-loop-api'), McpApiModule],
    })
      .overrideProvider(Config)
      .useValue(loadConfig({ ...env.env, MCP_SERVERS_FILE: serversFile }))
      .compile();
    await api.init();
    try {
      await api.get(ApprovedToolsSource).refresh();
      const tools = api.get(ToolRegistry);
      const names = tools.all().map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'filesystem__read_file',
          'filesystem__write_file',
          'notes__read_graph',
          'notes__search_nodes',
        ]),
      );
      const job = { role: 'researcher' as const, tier: 1 as const, privacy: false };
      expect(tools.checkRequest({ ...job, allowedTools: ['notes__*'] })).toBeUndefined();
      expect(tools.checkRequest({ ...job, role: 'chat', allowedTools: ['notes__*'] })).toEqual({
        kind: 'tool-not-allowed',
        pattern: 'notes__*',
      });
      expect(
        tools.checkRequest({ ...job, role: 'coder', allowedTools: ['filesystem__read_file'] }),
      ).toBeUndefined();
      expect(
        tools
          .forJob({ ...job, privacy: true })
          .map((t) => t.name)
          .filter((n) => n.includes('__')),
      ).toEqual(['notes__read_graph', 'notes__search_nodes']);
    } finally {
      await api.close();
    }
  });
});
