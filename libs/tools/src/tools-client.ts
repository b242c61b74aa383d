import type { LlmMessage, LlmResponse, ToolChoice } from '@switchboard/llm';
import type { ToolDefinition } from './tool.types';

/** How one tool call ended; the values of the `tool_result` event and the `outcome` column. */
export type ToolOutcome =
  'ok' | 'error' | 'invalid_arguments' | 'timeout' | 'too_large' | 'loop' | 'interrupted';

export interface ToolRunRequest {
  messages: LlmMessage[];
  /** Narrows the job's tools further (glob patterns over names); absent: all it may use. */
  tools?: readonly string[];
  /** At most this many LLM calls; at the last one its tool calls are not run. */
  maxTurns: number;
  /** `false`: every call runs alone, in order, and the model is asked for one call a turn. */
  parallel?: boolean;
  /** For the first turn only (later turns are `auto`, so the model can answer). */
  toolChoice?: ToolChoice;
  model?: string;
  maxTokens?: number;
  temperature?: number;
  /** `false`: each turn is one whole (unstreamed) call; by default turns stream. */
  stream?: boolean;
}

/** One tool call of a run, as the loop saw it. */
export interface ToolCallRecord {
  callId: string;
  name: string;
  /** `local`, the MCP server's name, or `unknown` for a name no tool has. */
  server: string;
  turn: number;
  outcome: ToolOutcome;
  durationMs: number;
  argumentBytes: number;
  resultBytes: number;
  errorClass?: string;
  /** What the model was told when the call failed. */
  error?: string;
  /** The tool's structured result, when it has one. */
  data?: unknown;
}

export interface ToolRunResult {
  /** The last LLM response: the answer, or the one the loop stopped at. */
  response: LlmResponse;
  /** The conversation: the request's messages, then each turn's assistant and tool messages. */
  messages: LlmMessage[];
  turns: number;
  calls: ToolCallRecord[];
  stoppedBy: 'answer' | 'max_turns' | 'loop';
}

/** `ctx.tools`: the tools a job may use, and the loop that lets its model call them. */
export interface ToolsClient {
  /**
   * The job's tools: its role's allowlist (and servers' `roles`), narrowed by the job,
   * privacy-filtered. Starts no server: perJob MCP servers' tools are included only while a
   * `run()` of this client that started them is in progress.
   */
  list(): ToolDefinition[];
  /**
   * Calls the model with the tools and runs the calls it makes, turn after turn, until it
   * answers without calling a tool, `maxTurns` is reached, or it repeats itself (a loop).
   * Tool failures are told to the model, never thrown; a job cancel still ends the run.
   * The job's perJob MCP servers that could serve a visible tool are started for the run (in
   * its workspace, which stays between runs) and closed when it returns or throws.
   */
  run(request: ToolRunRequest): Promise<ToolRunResult>;
}

declare module '@switchboard/actors' {
  interface ActorCapabilities {
    readonly tools: ToolsClient;
  }
}
