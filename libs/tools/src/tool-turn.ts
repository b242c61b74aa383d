import type { CapabilityScope } from '@switchboard/actors';
import type { LlmMessage, ToolCall } from '@switchboard/llm';
import type { LoopGuard } from './loop-guard';
import type { CallFacts, ToolCallRecorder } from './tool-call-recorder';
import { failure, invokeTool, type CallOutcome } from './tool-invoker';
import type { ToolCallRecord } from './tools-client';
import type { ToolDefinition } from './tool.types';

/** One call of a turn, once looked at: either runnable, or already answered. */
interface PlannedCall {
  call: ToolCall;
  facts: CallFacts;
  tool?: ToolDefinition;
  args?: unknown;
  /** Set when the call is not to run: what the model is told. */
  refused?: CallOutcome;
  /** A loop the run must stop at. */
  stop?: boolean;
}

interface Executed {
  result: CallOutcome;
  durationMs: number;
  /** A side-effecting call's recorded outcome, returned without running it. */
  replayed?: boolean;
}

export interface TurnResult {
  messages: LlmMessage[];
  records: ToolCallRecord[];
  /** The model kept repeating itself: the run ends. */
  stop: boolean;
}

const serverOf = (tool?: ToolDefinition) =>
  !tool ? 'unknown' : tool.origin.kind === 'local' ? 'local' : tool.origin.server;

/** Runs the tool calls of one turn and answers each with a tool message. */
export class ToolTurn {
  constructor(
    private readonly scope: CapabilityScope,
    private readonly recorder: ToolCallRecorder,
    private readonly guard: LoopGuard,
    /** The tools this run may use. */
    private readonly visible: ReadonlyMap<string, ToolDefinition>,
    /** Every tool that exists (to tell "not allowed" from "no such tool"). */
    private readonly exists: (name: string) => boolean,
  ) {}

  async run(turn: number, calls: ToolCall[], parallel: boolean): Promise<TurnResult> {
    const planned = calls.map((call) => this.plan(turn, call));
    const stop = planned.some((p) => p.stop);
    const runnable = stop ? [] : planned.filter((p) => !p.refused);
    const together =
      parallel &&
      runnable.length > 1 &&
      runnable.every((p) => p.tool!.parallel && !p.tool!.sideEffects);
    const outcomes = new Map<PlannedCall, Executed>();
    if (together) {
      await Promise.all(runnable.map(async (p) => outcomes.set(p, await this.execute(p))));
    } else {
      for (const p of runnable) outcomes.set(p, await this.execute(p));
    }
    const messages: LlmMessage[] = [];
    const records: ToolCallRecord[] = [];
    for (const p of planned) {
      let done = outcomes.get(p);
      if (!done && p.refused) {
        this.recorder.started(p.facts);
        done = { result: p.refused, durationMs: 0 };
      }
      const result = done?.result ?? failure('loop', 'not_run', NOT_RUN);
      if (done) {
        // A replayed side-effecting call was told and logged by the run that made it.
        const quiet = done.replayed === true;
        records.push(await this.recorder.finished(p.facts, done.result, done.durationMs, quiet));
      }
      messages.push({
        role: 'tool',
        toolCallId: p.call.id,
        name: p.call.name,
        content: result.content,
        ...(result.isError ? { isError: true } : {}),
      });
    }
    return { messages, records, stop };
  }

  private plan(turn: number, call: ToolCall): PlannedCall {
    const tool = this.visible.get(call.name);
    const facts: CallFacts = {
      callId: call.id,
      name: call.name,
      server: serverOf(tool),
      turn,
      rawArguments: call.arguments,
    };
    if (!tool) {
      const known = this.exists(call.name);
      const names = [...this.visible.keys()].join(', ') || 'none';
      return {
        call,
        facts,
        refused: failure(
          'error',
          known ? 'not_allowed' : 'unknown_tool',
          `${known ? `The tool '${call.name}' is not available to this job.` : `There is no tool '${call.name}'.`} ` +
            `Tools you may call: ${names}.`,
        ),
      };
    }
    let parsed: unknown;
    try {
      parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      const seen = this.guard.see(call.name, call.arguments);
      if (seen.repeat) return this.loop(call, facts, seen.count, seen.stop);
      return {
        call,
        facts,
        refused: failure(
          'invalid_arguments',
          'invalid_json',
          `The arguments are not valid JSON (${(error as Error).message}). Call again with a JSON object.`,
        ),
      };
    }
    facts.args = parsed;
    const seen = this.guard.see(call.name, parsed);
    if (seen.repeat) return this.loop(call, facts, seen.count, seen.stop);
    const checked = tool.check(parsed);
    if (!checked.ok) {
      return {
        call,
        facts,
        tool,
        refused: failure(
          'invalid_arguments',
          'schema',
          `Invalid arguments for '${tool.name}': ${checked.error}. Fix them and call again.`,
        ),
      };
    }
    return { call, facts, tool, args: checked.value };
  }

  private loop(call: ToolCall, facts: CallFacts, count: number, stop: boolean): PlannedCall {
    return {
      call,
      facts,
      stop,
      refused: failure(
        'loop',
        'repeated_call',
        `This exact call (same tool, same arguments) was made ${count} times in this run; it ` +
          'was not run again. Use the earlier result, change the arguments, or answer.',
      ),
    };
  }

  private async execute(p: PlannedCall): Promise<Executed> {
    const tool = p.tool!;
    const { message, signal, steps } = this.scope;
    const ctx = {
      jobId: message.jobId,
      tenantId: message.tenantId,
      role: message.role,
      tier: message.tier,
      privacy: message.privacy,
    };
    const start = performance.now();
    if (!tool.sideEffects) {
      this.recorder.started(p.facts);
      const result = await invokeTool(tool, p.args, ctx, signal);
      return { result, durationMs: Math.round(performance.now() - start) };
    }
    // Journaled: a re-run of the job gets the recorded outcome; one that was started and
    // never recorded is not run again (its effect may have happened).
    let ran = false;
    const once = await steps.once(`tool:${tool.name}`, () => {
      ran = true;
      this.recorder.started(p.facts);
      return invokeTool(tool, p.args, ctx, signal);
    });
    const durationMs = Math.round(performance.now() - start);
    if ('interrupted' in once) {
      this.recorder.started(p.facts);
      return { result: INTERRUPTED, durationMs };
    }
    return { result: once.value, durationMs, replayed: !ran };
  }
}

const NOT_RUN = 'Not run: the tool loop stopped because the same calls kept repeating.';

const INTERRUPTED = failure(
  'interrupted',
  'interrupted',
  'The outcome of this call is unknown: it was started in an earlier run of this job that ' +
    'was interrupted before its result was recorded, and it was NOT run again (that could ' +
    'repeat its effect). Check whether it took effect before calling it again.',
);
