import { Logger } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition, ToolSource } from '../tool.types';
import { McpConnection } from './mcp-connection';
import type { McpServerConfig } from './mcp-servers.schema';
import { callMcpTool } from './mcp-tool.call';
import {
  buildToolDefinition,
  definitionOf,
  hasSideEffects,
  mcpToolName,
  toolMatcher,
} from './mcp-tool.factory';
import { hashToolDefinition, type McpToolDefinition } from './tool-hash';
import type { ApprovalStatus, SeenTool } from './tool-approvals.repository';

/** Where approvals live (`ToolApprovalsRepository`); without one every definition is approved. */
export interface ToolApprovals {
  review(
    server: string,
    tools: readonly SeenTool[],
    requireApproval: boolean,
  ): Promise<Map<string, ApprovalStatus>>;
  statuses(
    server: string,
    hashes: ReadonlyMap<string, string>,
  ): Promise<Map<string, ApprovalStatus>>;
}

export interface McpToolSourceOptions {
  approvals?: ToolApprovals;
  /** Re-read approvals this often (ms), so an admin's approval is seen; 0: only on changes. */
  approvalPollMs?: number;
}

/** One allowed tool of the server, exposed or not. */
export interface McpToolEntry {
  tool: string;
  name: string;
  hash: string;
  status: ApprovalStatus;
  definition: ToolDefinition;
}

/**
 * The tools of one MCP server as a ToolSource: the allowed ones (config `allowedTools`) whose
 * current definition is approved. Follows the server's `list_changed` and reconnects; tells
 * its listeners whenever the exposed set changes. Build it without Nest with `fromConfig`.
 */
export class McpToolSource implements ToolSource {
  readonly name: string;
  private readonly logger: Logger;
  private readonly allowed: (tool: string) => boolean;
  private readonly sideEffectPatterns: (tool: string) => boolean;
  private entries = new Map<string, McpToolEntry>();
  private exposed: readonly ToolDefinition[] = [];
  private readonly listeners = new Set<() => void>();
  private updating: Promise<void> = Promise.resolve();
  private poll?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    readonly connection: McpConnection,
    private readonly options: McpToolSourceOptions = {},
  ) {
    const config = connection.config;
    this.name = `mcp:${config.name}`;
    this.logger = new Logger(`McpToolSource:${config.name}`);
    this.allowed = toolMatcher(config.allowedTools);
    this.sideEffectPatterns = toolMatcher(config.sideEffects);
  }

  static fromConfig(config: McpServerConfig, options: McpToolSourceOptions = {}): McpToolSource {
    return new McpToolSource(new McpConnection(config), options);
  }

  get server(): McpServerConfig {
    return this.connection.config;
  }

  tools(): readonly ToolDefinition[] {
    return this.exposed;
  }

  /** Every allowed tool the server lists, with its hash and approval status. */
  entryList(): McpToolEntry[] {
    return [...this.entries.values()];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects (the first attempt is awaited; a failure retries in the background). */
  async start(): Promise<boolean> {
    this.unsubscribe ??= this.connection.onTools((tools) => void this.update(tools));
    const connected = await this.connection.start();
    await this.updating;
    const every = this.options.approvalPollMs ?? 0;
    if (every > 0 && this.options.approvals && !this.poll) {
      this.poll = setInterval(() => void this.refreshApprovals(), every);
      this.poll.unref();
    }
    return connected;
  }

  /** Reads the approval status of the current definitions again (an admin may have acted). */
  async refreshApprovals(): Promise<void> {
    const approvals = this.options.approvals;
    if (!approvals || this.entries.size === 0) return;
    const run = this.updating.then(async () => {
      const hashes = new Map([...this.entries.values()].map((e) => [e.tool, e.hash]));
      try {
        const statuses = await approvals.statuses(this.server.name, hashes);
        this.apply(
          new Map(
            [...this.entries].map(([tool, e]) => [
              tool,
              { ...e, status: statuses.get(tool) ?? e.status },
            ]),
          ),
        );
      } catch (error) {
        this.logger.warn(`reading approvals failed: ${(error as Error).message}`);
      }
    });
    this.updating = run;
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    this.unsubscribe?.();
    await this.connection.close();
  }

  private update(tools: readonly Tool[]): Promise<void> {
    const run = this.updating.then(() => this.review(tools));
    this.updating = run;
    return run;
  }

  private async review(tools: readonly Tool[]): Promise<void> {
    const config = this.server;
    const seen: { tool: string; name: string; hash: string; definition: McpToolDefinition }[] = [];
    for (const tool of tools) {
      if (!this.allowed(tool.name)) continue;
      const name = mcpToolName(config.name, tool.name);
      if (!name) {
        this.logger.warn(
          `tool '${tool.name}' skipped: '${config.name}__${tool.name}' breaks the tool-name rule`,
        );
        continue;
      }
      const definition = definitionOf(tool);
      seen.push({ tool: tool.name, name, hash: hashToolDefinition(definition), definition });
    }
    let statuses: Map<string, ApprovalStatus>;
    try {
      statuses = this.options.approvals
        ? await this.options.approvals.review(config.name, seen, config.requireApproval)
        : new Map(seen.map((s) => [s.tool, 'approved' as const]));
    } catch (error) {
      // Fail closed for definitions never approved here; known ones keep their status.
      this.logger.warn(`recording tool definitions failed: ${(error as Error).message}`);
      statuses = new Map(
        seen.map((s) => {
          const known = this.entries.get(s.tool);
          return [s.tool, known?.hash === s.hash ? known.status : 'blocked'];
        }),
      );
    }
    const next = new Map<string, McpToolEntry>();
    for (const s of seen) {
      const status = statuses.get(s.tool) ?? 'blocked';
      const known = this.entries.get(s.tool);
      const definition =
        known?.hash === s.hash
          ? known.definition
          : this.definition(s.tool, s.name, s.hash, s.definition);
      next.set(s.tool, { tool: s.tool, name: s.name, hash: s.hash, status, definition });
      if (status === 'blocked' && known?.hash !== s.hash) {
        this.logger.warn(
          `tool '${s.tool}' (${s.hash.slice(0, 12)}) is blocked until an admin approves it`,
        );
      }
    }
    this.apply(next);
  }

  private definition(tool: string, name: string, hash: string, definition: McpToolDefinition) {
    const config = this.server;
    return buildToolDefinition({
      config,
      name,
      definition,
      sideEffects: hasSideEffects(definition, this.sideEffectPatterns),
      invoke: (args, ctx) =>
        callMcpTool(
          {
            connection: this.connection,
            tool,
            name,
            timeoutMs: config.timeouts.callMs,
            maxOutputBytes: config.maxOutputBytes,
            approved: () => {
              const entry = this.entries.get(tool);
              return entry?.hash === hash && entry.status === 'approved';
            },
          },
          args,
          ctx,
        ),
    });
  }

  private apply(next: Map<string, McpToolEntry>): void {
    const before = [...this.entries.values()].filter((e) => e.status === 'approved');
    this.entries = next;
    const after = [...next.values()].filter((e) => e.status === 'approved');
    const same =
      before.length === after.length &&
      before.every((e, i) => e.definition === after[i].definition);
    if (same) return;
    this.exposed = after.map((e) => e.definition);
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.warn(`a tool-change listener failed: ${(error as Error).message}`);
      }
    }
  }
}
