import type {
  BudgetRefusal,
  BudgetSubject,
  CallQuote,
  CallRegistration,
  Reservation,
  ReserveResult,
  SettleRecord,
} from '@switchboard/budget';
import type { CatalogueModel } from '../catalogue/model-catalogue';
import { callCostMicros } from '../catalogue/cost';
import type { LlmRouting } from '../llm.types';
import type { ProviderUsage } from '../providers/provider.types';

/**
 * What the router needs of the spend ledger: one reservation before a call (which, for the
 * durable log, also registers the call), one settlement after it (which also appends the
 * call's row and journals its answer).
 */
export interface CallBudget {
  reserve(
    subject: BudgetSubject | null,
    quote: CallQuote,
    register?: CallRegistration,
  ): Promise<ReserveResult>;
  settle(
    reservation: Reservation | null,
    actualMicros: number,
    record?: SettleRecord,
  ): Promise<void>;
}

/** The budget held for one attempt, and the output it may produce. */
export interface BudgetHold {
  reservation: Reservation | null;
  /** max_tokens for the provider: the request's, or lower when the budget is short. */
  maxTokens: number;
  model: CatalogueModel;
}

const FREE = { input: 0, output: 0, cachedInput: 0 };

/**
 * Reserves a candidate's worst case (input at its bound); a refusal names the pool that is
 * short. With `register` the call is held even when no pool applies, so it is logged as
 * `lost` if this process dies before it settles.
 */
export async function holdBudget(
  budget: CallBudget | undefined,
  routing: LlmRouting,
  model: CatalogueModel,
  inputTokens: number,
  maxTokens: number,
  register?: CallRegistration,
): Promise<BudgetHold | { refusal: BudgetRefusal }> {
  const job = routing.job;
  if (!budget || (!job && !register)) return { reservation: null, maxTokens, model };
  const subject = job
    ? { tenantId: job.tenantId, apiKeyId: job.apiKeyId ?? null, jobId: job.jobId }
    : null;
  const result = await budget.reserve(
    subject,
    { inputTokens, maxTokens, prices: model.prices ?? FREE, model: model.key },
    register,
  );
  if (!result.ok) return { refusal: result.refusal };
  return { reservation: result.reservation, maxTokens: result.maxTokens, model };
}

/**
 * Settles what the attempt used, writing its record along with it. Only an input count the
 * provider reported is checked against the reserved bound: our own count is what the bound
 * was scaled from, and exceeds it for a model whose catalogue factor is below 1.
 */
export async function settleHold(
  budget: CallBudget | undefined,
  hold: BudgetHold,
  usage: ProviderUsage,
  record: SettleRecord = {},
): Promise<void> {
  if (!budget) return;
  const actual = callCostMicros(hold.model.prices, usage);
  const inputTokens = usage.counted ? undefined : usage.inputTokens;
  await budget.settle(hold.reservation, actual, { ...record, inputTokens });
}
