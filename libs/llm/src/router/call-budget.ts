import type {
  BudgetRefusal,
  BudgetSubject,
  CallQuote,
  Reservation,
  ReserveResult,
} from '@switchboard/budget';
import type { CatalogueModel } from '../catalogue/model-catalogue';
import { callCostMicros } from '../catalogue/cost';
import type { LlmRouting } from '../llm.types';
import type { ProviderUsage } from '../providers/provider.types';

/** What the router needs of budgets: one reservation before a call, one settlement after. */
export interface CallBudget {
  reserve(subject: BudgetSubject, quote: CallQuote): Promise<ReserveResult>;
  settle(reservation: Reservation, actualMicros: number): Promise<void>;
}

/** The budget held for one attempt, and the output it may produce. */
export interface BudgetHold {
  reservation: Reservation | null;
  /** max_tokens for the provider: the request's, or lower when the budget is short. */
  maxTokens: number;
  model: CatalogueModel;
}

const FREE = { input: 0, output: 0, cachedInput: 0 };

/** Reserves a candidate's worst case; a refusal names the pool that is short. */
export async function holdBudget(
  budget: CallBudget | undefined,
  routing: LlmRouting,
  model: CatalogueModel,
  inputTokens: number,
  maxTokens: number,
): Promise<BudgetHold | { refusal: BudgetRefusal }> {
  const job = routing.job;
  if (!budget || !job) return { reservation: null, maxTokens, model };
  const subject = { tenantId: job.tenantId, apiKeyId: job.apiKeyId ?? null, jobId: job.jobId };
  const result = await budget.reserve(subject, {
    inputTokens,
    maxTokens,
    prices: model.prices ?? FREE,
  });
  if (!result.ok) return { refusal: result.refusal };
  return { reservation: result.reservation, maxTokens: result.maxTokens, model };
}

/** Settles what the attempt used; nothing held, nothing to do. */
export async function settleHold(
  budget: CallBudget | undefined,
  hold: BudgetHold,
  usage: ProviderUsage,
): Promise<void> {
  if (!budget || !hold.reservation) return;
  await budget.settle(hold.reservation, callCostMicros(hold.model.prices, usage));
}
