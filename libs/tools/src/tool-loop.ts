import type { CapabilityScope } from '@switchboard/actors';
import type { LlmMessage, LlmRequest, LlmResponse, LlmTool } from '@switchboard/llm';
import { LoopGuard } from './loop-guard';
import { openRunTools, withRunTools } from './run-tools';
import { ToolCallRecorder } from './tool-call-recorder';
import type { ToolInvocationsRepository } from './tool-invocations.repository';
import type { ToolRegistry } from './tool-registry';
import { ToolTurn } from './tool-turn';
import { matchesAny, visibleTools, type ToolJob } from './tool-visibility';
import type { ToolCallRecord, ToolRunRequest, ToolRunResult, ToolsClient } from './tools-client';
import type { ToolDefinition, ToolSource } from './tool.types';

export interface ToolLoopSettings {
  logArguments: boolean;
  loopRepeatLimit: number;
}

const toLlmTool = (tool: ToolDefinition): LlmTool => ({
  name: tool.name,
  description: tool.description,
  parameters: tool.inputSchema,
});

/**
 * `ctx.tools` for one run of one job. Each turn is one call of the job's own LLM client
 * (budgeted, routed, journaled, logged), so a re-run of the job replays earlier turns. Each
 * `run()` starts the per-run servers (perJob MCP servers) it may use, and closes them when it
 * returns or throws; their tools are fixed at the start of the run.
 */
export class ToolLoop implements ToolsClient {
  /** Sources started for the runs in progress (perJob MCP servers), each until it ends. */
  private readonly running = new Set<readonly ToolSource[]>();

  constructor(
    private readonly scope: CapabilityScope,
    private readonly registry: ToolRegistry,
    private readonly rows: ToolInvocationsRepository,
    private readonly settings: ToolLoopSettings,
  ) {}

  /**
   * The job's tools: the registry's, plus the tools of per-run servers started by a run in
   * progress on this client. Starts nothing: outside a run, perJob servers' tools are absent.
   */
  list(): ToolDefinition[] {
    return visibleTools(this.tools([...this.running].flat()), this.job());
  }

  async run(request: ToolRunRequest): Promise<ToolRunResult> {
    if (!Number.isInteger(request.maxTurns) || request.maxTurns < 1) {
      throw new RangeError(`maxTurns must be a positive integer (got ${request.maxTurns})`);
    }
    const job = this.job();
    const { tenantId, jobId } = this.scope.message;
    const started = await openRunTools(
      this.registry.runToolProviders(),
      { ...job, tenantId, jobId },
      request.tools,
    );
    this.running.add(started.sources);
    try {
      return await this.loop(request, this.tools(started.sources), job);
    } finally {
      this.running.delete(started.sources);
      await started.close();
    }
  }

  private job(): ToolJob {
    const { role, tier, privacy, allowedTools } = this.scope.message;
    return { role, tier, privacy, allowedTools };
  }

  /** Every tool there is for a run: the registry's and its own sources'. */
  private tools(sources: readonly ToolSource[]): ToolDefinition[] {
    return withRunTools(this.registry.all(), sources);
  }

  private async loop(
    request: ToolRunRequest,
    all: ToolDefinition[],
    job: ToolJob,
  ): Promise<ToolRunResult> {
    const narrowed = request.tools;
    const tools = visibleTools(all, job).filter((t) => !narrowed || matchesAny(narrowed, t.name));
    const visible = new Map(tools.map((t) => [t.name, t]));
    const names = new Set(all.map((t) => t.name));
    const turn = new ToolTurn(
      this.scope,
      new ToolCallRecorder(this.scope, this.rows, this.settings.logArguments),
      new LoopGuard(this.settings.loopRepeatLimit),
      visible,
      (name) => names.has(name),
    );
    const messages: LlmMessage[] = [...request.messages];
    const calls: ToolCallRecord[] = [];
    const parallel = request.parallel !== false;
    let response: LlmResponse | undefined;
    for (let n = 1; n <= request.maxTurns; n++) {
      response = await this.ask(this.turnRequest(request, messages, tools, n), request.stream);
      const toolCalls = response.toolCalls ?? [];
      if (toolCalls.length === 0) {
        messages.push({ role: 'assistant', content: response.text });
        return { response, messages, turns: n, calls, stoppedBy: 'answer' };
      }
      // At the last turn the calls are not run: their results would reach no model.
      if (n === request.maxTurns) break;
      messages.push({ role: 'assistant', content: response.text, toolCalls });
      const result = await turn.run(n, toolCalls, parallel);
      messages.push(...result.messages);
      calls.push(...result.records);
      if (result.stop) return { response, messages, turns: n, calls, stoppedBy: 'loop' };
    }
    return {
      response: response!,
      messages,
      turns: request.maxTurns,
      calls,
      stoppedBy: 'max_turns',
    };
  }

  /**
   * One turn's LLM call. Streamed by default, so the model's text and tool calls reach the
   * job's event stream as they are written (and a budget can cut a turn off mid-stream).
   */
  private async ask(request: LlmRequest, stream = true): Promise<LlmResponse> {
    if (!stream) return this.scope.llm.chat(request);
    let response: LlmResponse | undefined;
    for await (const event of this.scope.llm.stream(request)) {
      if (event.type === 'done') response = event.response;
    }
    if (!response) throw new Error('the LLM stream ended without a response');
    return response;
  }

  private turnRequest(
    request: ToolRunRequest,
    messages: LlmMessage[],
    tools: ToolDefinition[],
    n: number,
  ): LlmRequest {
    const { model, maxTokens, temperature, toolChoice } = request;
    return {
      messages: [...messages],
      model,
      maxTokens,
      temperature,
      ...(tools.length > 0
        ? {
            tools: tools.map(toLlmTool),
            ...(n === 1 && toolChoice ? { toolChoice } : {}),
            ...(request.parallel === false ? { parallelToolCalls: false } : {}),
          }
        : {}),
    };
  }
}
