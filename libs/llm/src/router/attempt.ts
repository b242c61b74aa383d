import type { Logger } from '@nestjs/common';
import type { LlmConfig } from '@switchboard/config';
import type { InvocationOutcome } from '@switchboard/persistence';
import type { ModelCatalogue } from '../catalogue/model-catalogue';
import type { LlmRequest, LlmResponse, LlmRouting } from '../llm.types';
import { ProviderError } from '../providers/provider-error';
import type { ProviderUsage } from '../providers/provider.types';
import { AttemptDeadline } from './attempt-deadline';
import { settleHold, type BudgetHold, type CallBudget } from './call-budget';
import type { Candidate } from './candidates';
import type { AttemptRecord, InvocationSink } from './invocation-recorder';
import type { LatencyTracker } from './latency-tracker';
import { observeAttempt } from './llm.metrics';
import type { ProviderGate } from './provider-gate';

/** How one failed attempt is handled. */
export type Verdict = 'cancelled' | 'fatal' | 'failover';

/** The services every attempt reports to. */
export interface AttemptServices {
  catalogue: ModelCatalogue;
  gate: ProviderGate;
  invocations: InvocationSink;
  budget?: CallBudget;
  /**
   * Rows go to the durable ledger stream with each settlement (and calls are registered at
   * reservation); otherwise to `invocations`, the in-memory batch.
   */
  durableLog: boolean;
  latency: LatencyTracker;
  logger: Logger;
  config: Pick<LlmConfig, 'requestTimeoutMs' | 'rateLimitCooldownMs' | 'logPrompts'>;
}

/**
 * One call to one candidate: its deadline, its budget hold, and what it reports when it ends
 * — the invocation row, the breaker outcome, the cooldown, and the budget settlement.
 */
export class Attempt {
  readonly deadline: AttemptDeadline;
  private readonly provider: string;

  constructor(
    private readonly services: AttemptServices,
    readonly candidate: Candidate,
    private readonly routing: LlmRouting,
    readonly record: AttemptRecord,
    /** `gated`: the provider has a breaker (in-process ones have none); `probe`: this call is its half-open trial. */
    private readonly gate: { gated: boolean; probe: boolean },
    readonly hold: BudgetHold,
    private readonly request?: LlmRequest,
  ) {
    this.provider = candidate.model.provider;
    const settings = services.catalogue.provider(this.provider);
    this.deadline = new AttemptDeadline(
      this.provider,
      settings.timeoutMs ?? services.config.requestTimeoutMs,
      routing.signal,
    );
  }

  get signal(): AbortSignal {
    return this.deadline.signal;
  }

  /** The call answered: its row, its settlement and its journaled answer in one write. */
  async succeeded(usage: ProviderUsage, answer?: LlmResponse): Promise<void> {
    this.services.latency.observe(this.candidate.model.key, this.record.elapsedMs());
    void this.tellGate('ok');
    await this.finish('ok', usage, undefined, answer);
  }

  /**
   * The consumer stopped reading, a stop condition matched, or the budget ran out mid-stream:
   * the request is aborted. An answer the caller got (stop, cut-off) is journaled too.
   */
  async stopped(
    usage: ProviderUsage,
    outcome: 'stopped' | 'budget_exhausted',
    answer?: LlmResponse,
  ): Promise<void> {
    void this.tellGate('release');
    await this.finish(outcome, usage, undefined, answer);
  }

  /** Logs the failed attempt, tells the gate, settles what it used, and decides what next. */
  async failed(
    error: unknown,
    ctx: { more: boolean; usage: ProviderUsage; tried: string[]; interrupted?: boolean },
  ): Promise<Verdict> {
    const settle = (outcome: InvocationOutcome, failure: { code: string; message: string }) =>
      this.finish(outcome, ctx.usage, failure).catch((e: Error) =>
        this.services.logger.error(`budget settlement failed: ${e.message}`),
      );
    if (this.deadline.jobAborted) {
      const reason = this.deadline.signal.reason as Error | undefined;
      await settle('cancelled', { code: 'cancelled', message: reason?.message ?? 'aborted' });
      void this.tellGate('release');
      return 'cancelled';
    }
    const failure =
      error instanceof ProviderError
        ? error
        : new ProviderError(
            'connection',
            this.provider,
            (error as Error)?.message ?? String(error),
            {
              cause: error,
            },
          );
    const retryable = failure.retryable;
    const outcome = ctx.interrupted
      ? 'interrupted'
      : retryable && ctx.more
        ? 'failed_over'
        : 'failed';
    await settle(outcome, { code: failure.code, message: failure.message });
    if (failure.kind === 'rate_limit') {
      void this.coolDown(failure.details.retryAfterMs ?? this.services.config.rateLimitCooldownMs);
      void this.tellGate('release');
    } else {
      // A request error shows the provider is up: it counts as a success for the breaker.
      void this.tellGate(retryable ? 'fail' : 'ok').then((state) => {
        if (state === 'open' && retryable) {
          this.services.logger.warn(`circuit for ${this.provider} is open`);
        }
      });
    }
    ctx.tried[ctx.tried.length - 1] += ` (${failure.code}: ${failure.message})`;
    if (!retryable) return 'fatal';
    this.services.logger.warn(
      `${this.candidate.model.key} failed (${failure.code}): ${failure.message}`,
    );
    return 'failover';
  }

  dispose(): void {
    this.deadline.dispose();
  }

  /**
   * Writes the attempt's end: the row (to the durable ledger with the settlement, or to the
   * in-memory batch), the settlement, and the answer for the job's journal.
   */
  private async finish(
    outcome: InvocationOutcome,
    usage: ProviderUsage,
    error?: { code: string; message: string },
    answer?: LlmResponse,
  ): Promise<void> {
    const prompt =
      this.services.config.logPrompts && this.request ? this.request.messages : undefined;
    const row = this.record.toRow(this.routing, outcome, usage, error, prompt);
    observeAttempt(row);
    const durable = this.services.durableLog;
    if (!durable) this.services.invocations.record(row);
    const slot = answer ? this.request?.journal : undefined;
    await settleHold(this.services.budget, this.hold, usage, {
      row: durable ? JSON.stringify(row) : undefined,
      journal: slot && answer ? { ...slot, value: JSON.stringify(answer) } : undefined,
    });
  }

  private async tellGate(outcome: 'ok' | 'fail' | 'release') {
    if (!this.gate.gated) return undefined;
    return this.services.gate.record(this.provider, outcome, this.gate.probe);
  }

  private async coolDown(ms: number): Promise<void> {
    if (this.gate.gated) await this.services.gate.coolDown(this.provider, ms);
  }
}
