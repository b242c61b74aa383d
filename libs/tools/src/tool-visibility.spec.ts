import type { RunToolServer, ToolDefinition } from './tool.types';
import {
  checkAllowedTools,
  mayMatchPrefix,
  mayShowServer,
  roleAllows,
  visibleTools,
} from './tool-visibility';

const tool = (name: string, extra: Partial<ToolDefinition> = {}): ToolDefinition => ({
  name,
  description: name,
  inputSchema: { type: 'object' },
  origin: { kind: 'mcp', server: name.split('__')[0] },
  privacyCompatible: true,
  sideEffects: false,
  parallel: true,
  timeoutMs: 1_000,
  maxOutputBytes: 1_000,
  check: (args) => ({ ok: true, value: args }),
  invoke: () => Promise.resolve({ content: '' }),
  ...extra,
});

describe('tool visibility', () => {
  it('tells whether a pattern may match a name under a prefix, erring towards yes', () => {
    const yes = ['*', 'filesystem__*', 'filesystem__read_file', 'file*', 'f?lesystem__x'];
    const maybe = ['{filesystem,git}__*', '!memory__*', '*__read_file'];
    const no = ['fs*', 'git__*', 'filesystem', 'filesystem__', 'filesystemx__*', 'calculator'];
    for (const p of [...yes, ...maybe])
      expect([p, mayMatchPrefix(p, 'filesystem__')]).toEqual([p, true]);
    for (const p of no) expect([p, mayMatchPrefix(p, 'filesystem__')]).toEqual([p, false]);
  });

  it("decides from a per-run server's prefix whether a job's run may see its tools", () => {
    const filesystem: RunToolServer = {
      name: 'filesystem',
      prefix: 'filesystem__',
      roles: [],
      privacyCompatible: false,
    };
    const notes: RunToolServer = {
      ...filesystem,
      name: 'notes',
      prefix: 'notes__',
      roles: ['chat'],
    };
    const coder = { role: 'coder' as const, tier: 1 as const, privacy: false };
    // coder's allowlist names filesystem__*; chat's names no server, but notes grants chat.
    expect(mayShowServer(filesystem, coder)).toBe(true);
    expect(mayShowServer(filesystem, { ...coder, role: 'chat' })).toBe(false);
    expect(mayShowServer(notes, { ...coder, role: 'chat' })).toBe(true);
    expect(mayShowServer(notes, coder)).toBe(false);
    // The job's narrowing and the run's narrowing each must leave room for the prefix.
    expect(mayShowServer(filesystem, { ...coder, allowedTools: ['code_check'] })).toBe(false);
    expect(mayShowServer(filesystem, { ...coder, allowedTools: ['filesystem__read*'] })).toBe(true);
    expect(mayShowServer(filesystem, coder, ['code_check'])).toBe(false);
    expect(mayShowServer(filesystem, coder, ['*'])).toBe(true);
    // Private and tier-0 jobs: only servers that stay local.
    expect(mayShowServer(filesystem, { ...coder, privacy: true })).toBe(false);
    expect(mayShowServer(filesystem, { ...coder, tier: 0 })).toBe(false);
    expect(mayShowServer({ ...filesystem, privacyCompatible: true }, { ...coder, tier: 0 })).toBe(
      true,
    );
  });

  it("lets a tool's roles grant it besides the allowlists, in listing and submission checks", () => {
    const tools = [
      tool('notes__read', { roles: ['researcher'] }),
      tool('notes__write', { roles: ['researcher'], privacyCompatible: false }),
      tool('calculator'),
    ];
    expect(roleAllows('researcher', tools[0])).toBe(true);
    expect(roleAllows('chat', tools[0])).toBe(false);
    expect(roleAllows('chat', tools[2])).toBe(true);
    const researcher = { role: 'researcher' as const, tier: 1 as const, privacy: false };
    expect(visibleTools(tools, researcher).map((t) => t.name)).toEqual([
      'notes__read',
      'notes__write',
      'calculator',
    ]);
    expect(visibleTools(tools, { ...researcher, role: 'chat' }).map((t) => t.name)).toEqual([
      'calculator',
    ]);
    expect(checkAllowedTools(tools, { ...researcher, allowedTools: ['notes__*'] })).toBeUndefined();
    expect(
      checkAllowedTools(tools, { ...researcher, role: 'chat', allowedTools: ['notes__*'] }),
    ).toEqual({ kind: 'tool-not-allowed', pattern: 'notes__*' });
    expect(
      checkAllowedTools(tools, { ...researcher, privacy: true, allowedTools: ['notes__write'] }),
    ).toEqual({ kind: 'tool-not-private', pattern: 'notes__write' });
  });
});
