import { randomUUID } from 'node:crypto';
import type { InvocationOutcome, InvocationRow } from '@switchboard/persistence';
import type { ProviderUsage } from '../providers/provider.types';
import type { LlmRouting } from '../llm.types';
import { callCostMicros } from '../catalogue/cost';
import type { Candidate } from './candidates';

/** Where invocation rows go: the batched log in production, anything in tests. */
export interface InvocationSink {
  record(row: InvocationRow): void;
}

/** The row a registered call is logged with if its process dies before it ends. */
export function lostRow(record: AttemptRecord, routing: LlmRouting): string {
  return JSON.stringify(
    record.toRow(routing, 'lost', NO_USAGE, {
      code: 'process_lost',
      message: "the process making the call died; charged at its reservation's worst case",
    }),
  );
}

export const NO_USAGE: ProviderUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

/** One attempt's facts, gathered while it runs and written once when it ends. */
export class AttemptRecord {
  readonly startedAt = new Date();
  /** The attempt's id: its reservation's and its invocation row's. */
  readonly id = randomUUID();
  private readonly t0 = performance.now();
  ttftMs: number | null = null;

  constructor(
    readonly candidate: Candidate,
    readonly kind: 'chat' | 'stream' | 'embed' | 'rerank',
    readonly attempt: number,
  ) {}

  markFirstToken(): void {
    if (this.ttftMs === null) this.ttftMs = Math.round(performance.now() - this.t0);
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.t0);
  }

  toRow(
    routing: LlmRouting,
    outcome: InvocationOutcome,
    usage: ProviderUsage,
    error?: { code: string; message: string },
    prompt?: unknown,
  ): InvocationRow {
    const { model, tier } = this.candidate;
    return {
      id: this.id,
      startedAt: this.startedAt,
      jobId: routing.job?.jobId ?? null,
      traceId: routing.job?.traceId ?? null,
      tenantId: routing.job?.tenantId ?? null,
      apiKeyId: routing.job?.apiKeyId ?? null,
      role: routing.job?.role ?? null,
      tier,
      provider: model.provider,
      model: model.id,
      callKind: this.kind,
      attempt: this.attempt,
      outcome,
      errorClass: error?.code ?? null,
      errorMessage: error ? error.message.slice(0, 500) : null,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      costMicros: callCostMicros(model.prices, usage),
      latencyMs: this.elapsedMs(),
      ttftMs: this.ttftMs,
      prompt,
    };
  }
}
