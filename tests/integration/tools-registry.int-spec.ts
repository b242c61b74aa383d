import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Config, loadConfig } from '@switchboard/config';
import {
  BUILTIN_TOOLS,
  LocalTool,
  ToolRegistrationError,
  ToolRegistry,
  checkAllowedTools,
  type LocalToolHandler,
  type ToolDefinition,
  type ToolSource,
} from '@switchboard/tools';
import { z } from 'zod';

// The registry at boot: @LocalTool classes found by discovery, duplicates refused (among
// local tools and across sources), and what each job sees: its role's allowlist (globs),
// narrowed by the job, privacy-filtered. No I/O: the module holds the registry and tools only.

const echoInput = z.strictObject({ text: z.string().max(10), times: z.number().int().min(1) });

@LocalTool({ name: 'echo', description: 'Echoes', input: echoInput, privacyCompatible: true })
class EchoTool implements LocalToolHandler<typeof echoInput> {
  async run({ text, times }: z.output<typeof echoInput>): Promise<string> {
    return text.repeat(times);
  }
}

@LocalTool({ name: 'echo', description: 'Echoes too', input: echoInput, privacyCompatible: true })
class OtherEchoTool implements LocalToolHandler<typeof echoInput> {
  async run(): Promise<string> {
    return '';
  }
}

@LocalTool({ name: 'bad name!', description: 'x', input: echoInput, privacyCompatible: true })
class BadNameTool implements LocalToolHandler<typeof echoInput> {
  async run(): Promise<string> {
    return '';
  }
}

function sourceTool(name: string, server: string, privacyCompatible = false): ToolDefinition {
  return {
    name,
    description: name,
    inputSchema: { type: 'object' },
    origin: { kind: 'mcp', server },
    privacyCompatible,
    sideEffects: false,
    parallel: true,
    timeoutMs: 1000,
    maxOutputBytes: 1000,
    check: (args) => ({ ok: true, value: args }),
    invoke: async () => ({ content: '' }),
  };
}

function source(
  name: string,
  tools: ToolDefinition[],
): ToolSource & { set(t: ToolDefinition[]): void } {
  let current = tools;
  const listeners: (() => void)[] = [];
  return {
    name,
    tools: () => current,
    onChange: (listener) => (listeners.push(listener), () => undefined),
    set(next) {
      current = next;
      listeners.forEach((l) => l());
    },
  };
}

async function boot(tools: unknown[], before?: (r: ToolRegistry) => void): Promise<ToolRegistry> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      ToolRegistry,
      { provide: Config, useValue: loadConfig({}) },
      ...(tools as (new () => object)[]),
    ],
  }).compile();
  before?.(moduleRef.get(ToolRegistry));
  await moduleRef.init();
  return moduleRef.get(ToolRegistry);
}

const names = (tools: ToolDefinition[]) => tools.map((t) => t.name);

describe('tool registry', () => {
  it('finds every @LocalTool at boot, with a JSON Schema derived from zod and zod checks', async () => {
    const registry = await boot([...BUILTIN_TOOLS, EchoTool]);
    expect(names(registry.all())).toEqual([
      'calculator',
      'code_check',
      'current_time',
      'echo',
      'http_fetch',
      'http_request',
      'json_query',
    ]);
    const echo = registry.get('echo')!;
    expect(echo).toMatchObject({
      origin: { kind: 'local' },
      privacyCompatible: true,
      sideEffects: false,
      parallel: true,
      timeoutMs: 30_000,
      maxOutputBytes: 65_536,
    });
    expect(echo.inputSchema).toEqual({
      type: 'object',
      properties: {
        text: { type: 'string', maxLength: 10 },
        times: expect.objectContaining({ type: 'integer', minimum: 1 }),
      },
      required: ['text', 'times'],
      additionalProperties: false,
    });
    expect(echo.check({ text: 'ab', times: 2 })).toEqual({
      ok: true,
      value: { text: 'ab', times: 2 },
    });
    const bad = echo.check({ text: 'far too long text', times: 0, extra: 1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/text: .*10/);
    expect(!bad.ok && bad.error).toMatch(/times: /);
    expect(!bad.ok && bad.error).toMatch(/extra/);
    expect(await echo.invoke({ text: 'ab', times: 2 }, {} as never)).toEqual({ content: 'abab' });
    expect(registry.get('http_request')).toMatchObject({
      sideEffects: true,
      parallel: false,
      privacyCompatible: false,
    });
  });

  it('refuses to boot with two local tools of one name, or a malformed name', async () => {
    const error = await boot([EchoTool, OtherEchoTool, BadNameTool]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolRegistrationError);
    expect((error as ToolRegistrationError).problems).toEqual([
      "tool 'echo' is declared twice: EchoTool, OtherEchoTool",
      expect.stringContaining("tool name 'bad name!'"),
    ]);
  });

  it('refuses a source whose tool names clash with a local tool or another source', async () => {
    // Added before discovery: checked when the local tools are known.
    const early = boot([EchoTool], (r) => r.addSource(source('a', [sourceTool('echo', 'a')])));
    await expect(early).rejects.toThrow(/tool 'echo' of source 'a' clashes with a local tool/);

    const registry = await boot([EchoTool]);
    registry.addSource(source('git', [sourceTool('git__log', 'git')]));
    expect(() => registry.addSource(source('git2', [sourceTool('git__log', 'git2')]))).toThrow(
      /tool 'git__log' is in sources 'git' and 'git2'/,
    );
    expect(() => registry.addSource(source('git', []))).toThrow(/added twice/);
    expect(() =>
      registry.addSource(source('x', [sourceTool('x__a', 'x'), sourceTool('x__a', 'x')])),
    ).toThrow(/lists tool 'x__a' twice/);
    // A clash that appears later (list_changed) keeps the earlier tool.
    const late = source('late', [sourceTool('late__a', 'late')]);
    const remove = registry.addSource(late);
    late.set([sourceTool('git__log', 'late')]);
    expect(registry.all().filter((t) => t.name === 'git__log')).toEqual([
      expect.objectContaining({ origin: { kind: 'mcp', server: 'git' } }),
    ]);
    remove();
    expect(names(registry.all())).toEqual(['echo', 'git__log']);
  });

  describe('what a job sees', () => {
    let registry: ToolRegistry;
    beforeAll(async () => {
      registry = await boot(BUILTIN_TOOLS);
      registry.addSource(
        source('git', [sourceTool('git__log', 'git', true), sourceTool('git__push', 'git')]),
      );
      registry.addSource(source('memory', [sourceTool('memory__read', 'memory')]));
    });

    it("its role's allowlist, globs included", () => {
      expect(names(registry.forJob({ role: 'coder', tier: 1, privacy: false }))).toEqual([
        'calculator',
        'code_check',
        'current_time',
        'git__log',
        'git__push',
        'http_fetch',
        'http_request',
        'json_query',
      ]);
      expect(names(registry.forJob({ role: 'researcher', tier: 1, privacy: false }))).toEqual([
        'calculator',
        'current_time',
        'http_fetch',
        'json_query',
        'memory__read',
      ]);
    });

    it('narrowed by the job, never widened', () => {
      const job = { role: 'coder', tier: 1, privacy: false } as const;
      expect(names(registry.forJob({ ...job, allowedTools: ['code_check', 'git__*'] }))).toEqual([
        'code_check',
        'git__log',
        'git__push',
      ]);
      // memory__read exists, but not for coders: asking does not widen.
      expect(names(registry.forJob({ ...job, allowedTools: ['memory__*', 'calc*'] }))).toEqual([
        'calculator',
      ]);
      expect(registry.forJob({ ...job, allowedTools: [] })).toEqual([]);
    });

    it('only local-compatible tools for private and tier-0 jobs', () => {
      const local = ['calculator', 'code_check', 'current_time', 'git__log', 'json_query'];
      expect(names(registry.forJob({ role: 'coder', tier: 1, privacy: true }))).toEqual(local);
      expect(names(registry.forJob({ role: 'coder', tier: 0, privacy: false }))).toEqual(local);
    });

    it('checks a submission: patterns must name allowed tools, private jobs local ones', () => {
      const tools = registry.all();
      const coder = { role: 'coder', tier: 2, privacy: false } as const;
      expect(
        checkAllowedTools(tools, { ...coder, allowedTools: ['code_check', 'git__*'] }),
      ).toBeUndefined();
      expect(
        checkAllowedTools(tools, { ...coder, allowedTools: ['code_check', 'memory__read'] }),
      ).toEqual({
        kind: 'tool-not-allowed',
        pattern: 'memory__read',
      });
      expect(registry.checkRequest({ ...coder, allowedTools: ['nope_*'] })).toEqual({
        kind: 'tool-not-allowed',
        pattern: 'nope_*',
      });
      expect(registry.checkRequest({ ...coder, tier: 0, allowedTools: ['http_fetch'] })).toEqual({
        kind: 'tool-not-private',
        pattern: 'http_fetch',
      });
      // A pattern with at least one local tool is fine for a private job: it narrows to those.
      expect(
        registry.checkRequest({ ...coder, privacy: true, allowedTools: ['git__*'] }),
      ).toBeUndefined();
      expect(
        registry.checkRequest({ ...coder, privacy: true, allowedTools: ['git__push'] }),
      ).toEqual({
        kind: 'tool-not-private',
        pattern: 'git__push',
      });
    });
  });
});
