import { Logger } from '@nestjs/common';
import type { CapabilityScope } from '@switchboard/actors';
import type { CallOutcome } from './tool-invoker';
import { ToolInvocationsRepository } from './tool-invocations.repository';
import type { ToolCallRecord } from './tools-client';
import { toolCallDurationSeconds, toolCallsTotal } from './tool.metrics';

const PREVIEW_CHARS = 200;

/** One call as the recorder needs it. */
export interface CallFacts {
  callId: string;
  name: string;
  server: string;
  turn: number;
  /** The arguments text exactly as the model wrote it. */
  rawArguments: string;
  /** Parsed arguments, when they parsed. */
  args?: unknown;
}

/**
 * Tells the world about each call: `tool_call` / `tool_result` events in the job's stream, a
 * `tool_invocations` row, and the Prometheus metrics. A failed row write is logged, not
 * thrown: the job's work matters more than its bookkeeping.
 */
export class ToolCallRecorder {
  private readonly logger = new Logger('ToolLoop');

  constructor(
    private readonly scope: CapabilityScope,
    private readonly rows: ToolInvocationsRepository,
    private readonly logArguments: boolean,
  ) {}

  started(call: CallFacts): void {
    this.scope.events?.publish({
      type: 'tool_call',
      callId: call.callId,
      name: call.name,
      server: call.server,
      arguments: call.args !== undefined ? call.args : call.rawArguments,
      turn: call.turn,
    });
  }

  /** Reports the call's end; `quiet` only summarises it (a replay of an earlier run's call). */
  async finished(
    call: CallFacts,
    result: CallOutcome,
    durationMs: number,
    quiet = false,
  ): Promise<ToolCallRecord> {
    const resultBytes = Buffer.byteLength(result.content);
    const argumentBytes = Buffer.byteLength(call.rawArguments);
    if (!quiet) await this.report(call, result, durationMs, argumentBytes, resultBytes);
    return {
      callId: call.callId,
      name: call.name,
      server: call.server,
      turn: call.turn,
      outcome: result.outcome,
      durationMs,
      argumentBytes,
      resultBytes,
      ...(result.errorClass ? { errorClass: result.errorClass } : {}),
      ...(result.isError ? { error: result.content } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
    };
  }

  private async report(
    call: CallFacts,
    result: CallOutcome,
    durationMs: number,
    argumentBytes: number,
    resultBytes: number,
  ): Promise<void> {
    this.scope.events?.publish({
      type: 'tool_result',
      callId: call.callId,
      name: call.name,
      outcome: result.outcome,
      durationMs,
      outputBytes: resultBytes,
      ...(result.isError
        ? { error: result.content.slice(0, PREVIEW_CHARS) }
        : { preview: result.content.slice(0, PREVIEW_CHARS) }),
    });
    toolCallsTotal.inc({ tool: call.name, server: call.server, outcome: result.outcome });
    if (result.outcome !== 'loop' && result.outcome !== 'invalid_arguments') {
      toolCallDurationSeconds.observe({ tool: call.name, server: call.server }, durationMs / 1000);
    }
    const { message } = this.scope;
    const row = {
      tenantId: message.tenantId,
      jobId: message.jobId,
      tool: call.name,
      server: call.server,
      turn: call.turn,
      durationMs,
      outcome: result.outcome,
      errorClass: result.errorClass ?? null,
      argumentBytes,
      resultBytes,
      arguments: this.logArguments ? (call.args ?? { raw: call.rawArguments }) : undefined,
    };
    await this.scope.track(this.rows.insert(row)).catch((error: Error) => {
      this.logger.warn(`tool_invocations row for job ${message.jobId} lost: ${error.message}`);
    });
  }
}
