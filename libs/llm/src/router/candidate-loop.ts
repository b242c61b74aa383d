import type { BudgetRefusal } from '@switchboard/budget';
import type { LlmRequest, LlmRouting } from '../llm.types';
import type { ProviderUsage } from '../providers/provider.types';
import { Attempt, type AttemptServices } from './attempt';
import { BudgetExceededError } from './budget-errors';
import { holdBudget } from './call-budget';
import type { CallInput } from './call-parts';
import type { Candidate } from './candidates';
import { inputTokenBound } from './input-bound';
import { AttemptRecord, lostRow } from './invocation-recorder';
import { llmFailoversTotal } from './llm.metrics';
import { ProvidersExhaustedError } from './routing-errors';

/** One routed call's progress over its candidates. */
export interface CallState {
  tried: string[];
  refusals: BudgetRefusal[];
  lastError?: unknown;
}

/** One attempt of a call, as its kind runs it. */
export interface AttemptRun<T, E> {
  /** Calls the provider: yields events for the caller, returns the answer; throws on failure. */
  run(): AsyncGenerator<E, T, undefined>;
  /** After a failure: what the attempt used (paid for), and whether output reached the caller. */
  spent(): { usage: ProviderUsage; interrupted?: boolean };
  /** After a failover verdict, before the next candidate; may throw to end the call. */
  failedOver?(error: unknown): void;
  /** Runs last, however the attempt ended (a stream logs one its consumer stopped reading). */
  close?(failed: boolean): Promise<void>;
}

/** What a kind of call (chat, stream, embed) asks of the loop, and how it runs one attempt. */
export interface CandidateCall<T, E> {
  kind: 'chat' | 'stream' | 'embed' | 'rerank';
  routing: LlmRouting;
  input: CallInput;
  /** Output tokens to reserve (0 for embeddings). */
  maxTokens: number;
  /** For the attempt's prompt log and its answer's journal slot. */
  request?: LlmRequest;
  /** False for a candidate this kind cannot use: skipped before the gate and the budget. */
  usable?(candidate: Candidate): boolean;
  /** One attempt on a candidate the gate and the budget admitted. */
  open(attempt: Attempt): AttemptRun<T, E>;
  /** The error when no candidate served; by default a budget refusal or the providers'. */
  exhausted?(state: CallState): Error | undefined;
}

/**
 * The one candidate loop of every call: for each planned candidate, the gate and the budget
 * admit an attempt (or it is skipped), the call runs it, and a failure is logged, settled and
 * judged: failover goes on to the next candidate, anything else ends the call. Events the
 * attempts yield pass through to the caller between attempts.
 */
export async function* runCandidates<T, E>(
  services: AttemptServices,
  plan: readonly Candidate[],
  call: CandidateCall<T, E>,
): AsyncGenerator<E, T, undefined> {
  const state: CallState = { tried: [], refusals: [] };
  /** The provider of the attempt that last failed over (each attempt after it is a failover). */
  let failedFrom: string | undefined;
  for (const [index, candidate] of plan.entries()) {
    if (call.usable && !call.usable(candidate)) continue;
    const attempt = await beginAttempt(services, candidate, call, state);
    if (!attempt) continue;
    if (failedFrom !== undefined) {
      llmFailoversTotal.inc({ from: failedFrom, to: candidate.model.provider });
    }
    const run = call.open(attempt);
    let failed = false;
    try {
      return yield* run.run();
    } catch (error) {
      failed = true;
      const { usage, interrupted } = run.spent();
      const more = index < plan.length - 1;
      const verdict = await attempt.failed(error, { more, tried: state.tried, usage, interrupted });
      if (verdict !== 'failover') throw verdict === 'cancelled' ? attempt.signal.reason : error;
      state.lastError = error;
      failedFrom = candidate.model.provider;
      run.failedOver?.(error);
    } finally {
      attempt.dispose();
      await run.close?.(failed);
    }
  }
  throw call.exhausted?.(state) ?? exhaustedError(call.routing, state);
}

/** The answer of a call whose attempts yield no events (chat, embed). */
export async function answerOf<T>(loop: AsyncGenerator<never, T, undefined>): Promise<T> {
  const step = await loop.next();
  if (!step.done) throw new Error('a call without events yielded one');
  return step.value;
}

/**
 * Asks the shared gate, then the budget. A refused candidate is noted and skipped: a
 * cheaper one may still fit the budget.
 */
async function beginAttempt(
  services: AttemptServices,
  candidate: Candidate,
  call: CandidateCall<unknown, unknown>,
  state: CallState,
): Promise<Attempt | undefined> {
  const key = candidate.model.key;
  // In-process providers (simulated) have no endpoint to protect: no breaker, no cooldown.
  const gated = services.catalogue.provider(candidate.model.provider).kind !== 'simulated';
  const ticket = !gated
    ? { allowed: true, state: 'closed' as const, waitMs: 0 }
    : await services.gate.acquire(candidate.model.provider);
  if (!ticket.allowed) {
    const why = ticket.state === 'cooldown' ? 'rate-limited' : `circuit ${ticket.state}`;
    state.tried.push(`${key} skipped (${why}, ${ticket.waitMs} ms left)`);
    return undefined;
  }
  const number = state.tried.filter((t) => !t.includes(' skipped (')).length + 1;
  const record = new AttemptRecord(candidate, call.kind, number);
  const hold = await holdBudget(
    services.budget,
    call.routing,
    candidate.model,
    inputTokenBound(candidate.model, call.input, call.input.counted),
    call.maxTokens,
    services.durableLog ? { id: record.id, row: lostRow(record, call.routing) } : undefined,
  );
  if ('refusal' in hold) {
    state.refusals.push(hold.refusal);
    state.tried.push(`${key} skipped (budget ${hold.refusal.poolId} short)`);
    if (ticket.state === 'probe')
      void services.gate.record(candidate.model.provider, 'release', true);
    return undefined;
  }
  state.tried.push(key);
  const gate = { gated, probe: ticket.state === 'probe' };
  return new Attempt(services, candidate, call.routing, record, gate, hold, call.request);
}

/** The error for a call no candidate served: budget refusals win over provider failures. */
export function exhaustedError(routing: LlmRouting, state: CallState): Error {
  const served = state.tried.some((t) => !t.includes(' skipped ('));
  if (state.refusals.length > 0 && !served) return new BudgetExceededError(state.refusals[0]);
  return new ProvidersExhaustedError(
    routing.privacy || routing.tier === 0,
    state.tried,
    state.lastError,
  );
}
