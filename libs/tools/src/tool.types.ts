import type { Role, Tier } from '@switchboard/catalogue';
import type { JsonSchema } from '@switchboard/llm';

/** Where a tool comes from: declared in this codebase, or listed by a connected MCP server. */
export type ToolOrigin = { kind: 'local' } | { kind: 'mcp'; server: string };

/** The job a tool call runs for. */
export interface ToolCallContext {
  jobId: string;
  tenantId: string;
  role: Role;
  tier: Tier;
  privacy: boolean;
  /** Aborts on the job's cancel/timeout and on the tool's own timeout. */
  signal: AbortSignal;
}

/** What a tool call gives back to the model. `isError`: the call failed (the model is told). */
export interface ToolOutput {
  content: string;
  isError?: boolean;
  /** Structured result, when the tool has one (kept in the loop's transcript, not sent twice). */
  data?: unknown;
}

export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * One tool as the registry and the tool loop see it, whatever its origin. Names follow the
 * providers' rule (letters, digits, `_`, `-`, at most 64); MCP tools are `<server>__<tool>`.
 */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object, as sent to the model. */
  inputSchema: JsonSchema;
  origin: ToolOrigin;
  /**
   * Roles its source lets use it besides the catalogue's TOOL_ALLOWLISTS (an MCP server's
   * `roles`); absent: only the allowlists decide.
   */
  roles?: readonly Role[];
  /** May run for private and tier-0 jobs: nothing it does leaves the machine. */
  privacyCompatible: boolean;
  /** Changes something outside the job (writes, posts, sends): run at most once per job. */
  sideEffects: boolean;
  /** May run at the same time as other calls of the same turn. */
  parallel: boolean;
  timeoutMs: number;
  /** Output beyond this many UTF-8 bytes is an error for the model, not a truncation. */
  maxOutputBytes: number;
  /** Validates (and may coerce or default) the model's arguments. */
  check(args: unknown): ArgumentCheck;
  invoke(args: unknown, ctx: ToolCallContext): Promise<ToolOutput>;
}

/** A set of tools that can change at run time (an MCP server's `list_changed`). */
export interface ToolSource {
  readonly name: string;
  tools(): readonly ToolDefinition[];
  /** Called when `tools()` changed; returns an unsubscribe function. */
  onChange?(listener: () => void): () => void;
}

/** A server whose tools exist only while a run uses them (a perJob MCP server). */
export interface RunToolServer {
  readonly name: string;
  /** Its tools are named `<prefix><tool>` (`<server>__`). */
  readonly prefix: string;
  /** Roles it grants its tools to (see ToolDefinition.roles). */
  readonly roles: readonly Role[];
  /** Its tools may serve private and tier-0 jobs. */
  readonly privacyCompatible: boolean;
}

/** The sources started for one run of one job; `close()` stops them (the workspace stays). */
export interface RunToolSources {
  readonly sources: readonly ToolSource[];
  close(): Promise<void>;
}

/**
 * Starts tool servers for one run of a job's tool loop (the worker's perJob MCP servers).
 * Registered with `ToolRegistry.addRunProvider`; what it starts never enters the registry.
 */
export interface RunToolProvider {
  readonly name: string;
  servers(): readonly RunToolServer[];
  /** Starts the named servers for the job. */
  open(
    job: { tenantId: string; jobId: string },
    servers: readonly string[],
  ): Promise<RunToolSources>;
}
