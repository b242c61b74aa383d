import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StdioClientTransport,
  getDefaultEnvironment,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpToolSource, parseMcpServer, type ToolCallContext } from '@switchboard/tools';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixed, progress } from './bench-output';
import { deferCleanup } from './exit-cleanup';
import { timeInterleaved, type InterleavedPlan } from './interleaved-timing';
import type { LatencySummary } from './latency-stats';
import { countFromEnv } from './tool-loop.leg';

/** The memory server from npm, and its cheapest read-only tool (annotated readOnlyHint). */
export const MCP_BIN = 'mcp-server-memory';
export const MCP_TOOL = 'read_graph';
const SERVER = 'memory';
const ROUND_SIZE = 100;

/** A small graph, the same in both servers' files, so every call reads and returns it. */
const GRAPH = [
  { type: 'entity', name: 'Ada', entityType: 'person', observations: ['wrote the first program'] },
  {
    type: 'entity',
    name: 'Analytical Engine',
    entityType: 'machine',
    observations: ['designed 1837'],
  },
  { type: 'entity', name: 'Charles', entityType: 'person', observations: ['designed the engine'] },
  { type: 'relation', from: 'Ada', to: 'Analytical Engine', relationType: 'programmed' },
  { type: 'relation', from: 'Charles', to: 'Analytical Engine', relationType: 'designed' },
];

export type McpPath = 'sdk' | 'switchboard';

export interface McpCallResult {
  plan: InterleavedPlan;
  figures: Record<McpPath, LatencySummary>;
  /** The text both paths got back (checked equal on every call). */
  resultBytes: number;
}

/**
 * One MCP tool call over stdio, two ways, each to its own server process of the same npm
 * package: the official SDK client calling the tool directly (the baseline), and Switchboard's
 * MCP tool source (built from a config object) through the tool definition's argument check
 * and invoke(), as the tool loop calls it. Sequential calls, interleaved.
 */
export async function mcpCallLeg(): Promise<McpCallResult> {
  const calls = countFromEnv('BENCH_MCP_CALLS', 2000);
  const plan = { calls, roundSize: ROUND_SIZE, warmUp: Math.max(50, Math.round(calls / 10)) };
  const command = resolve(__dirname, '../../../node_modules/.bin', MCP_BIN);
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-mcp-'));
  const memoryFile = (who: McpPath) => {
    const file = join(dir, `${who}.jsonl`);
    writeFileSync(file, GRAPH.map((line) => JSON.stringify(line)).join('\n'));
    return file;
  };
  const source = McpToolSource.fromConfig(
    parseMcpServer({
      name: SERVER,
      transport: 'stdio',
      command,
      env: { MEMORY_FILE_PATH: memoryFile('switchboard') },
      local: true,
      allowedTools: [MCP_TOOL],
    }),
  );
  const client = new Client({ name: 'bench-direct', version: '1.0.0' });
  const release = deferCleanup('mcp servers', async () => {
    await Promise.allSettled([source.close(), client.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    if (!(await source.start())) throw new Error(`mcp leg: ${MCP_BIN} did not connect`);
    const tool = source.tools().find((t) => t.name === `${SERVER}__${MCP_TOOL}`);
    if (!tool || tool.sideEffects) throw new Error(`mcp leg: no read-only ${SERVER}__${MCP_TOOL}`);
    const env = { ...getDefaultEnvironment(), MEMORY_FILE_PATH: memoryFile('sdk') };
    await client.connect(new StdioClientTransport({ command, env, stderr: 'ignore' }));
    // As the source does: list first, so the client validates structured output alike.
    await client.listTools();
    const ctx: ToolCallContext = {
      jobId: randomUUID(),
      tenantId: randomUUID(),
      role: 'researcher',
      tier: 1,
      privacy: false,
      signal: new AbortController().signal,
    };
    let expected: string | undefined;
    const same = (path: McpPath, text: string | undefined) => {
      expected ??= text;
      if (!text || text !== expected) throw new Error(`mcp leg: ${path} got another answer`);
    };
    progress(`mcp: ${calls} sequential ${MCP_TOOL} calls per path (+${plan.warmUp} warm-up)`);
    const figures = await timeInterleaved<McpPath>(
      [
        {
          name: 'sdk',
          call: async () => {
            const result = (await client.callTool({
              name: MCP_TOOL,
              arguments: {},
            })) as CallToolResult;
            const first = result.content[0];
            same('sdk', !result.isError && first?.type === 'text' ? first.text : undefined);
          },
        },
        {
          name: 'switchboard',
          call: async () => {
            const checked = tool.check({});
            if (!checked.ok) throw new Error(`mcp leg: arguments refused: ${checked.error}`);
            const output = await tool.invoke(checked.value, ctx);
            same('switchboard', output.isError ? undefined : output.content);
          },
        },
      ],
      plan,
    );
    const { sdk, switchboard } = figures;
    progress(
      `mcp: median SDK ${fixed(sdk.medianMs, 3)} ms, Switchboard ${fixed(switchboard.medianMs, 3)} ms`,
    );
    return { plan, figures, resultBytes: Buffer.byteLength(expected ?? '') };
  } finally {
    await release();
  }
}
