import type { LlmRouting, RerankRequest, RerankResponse } from '../llm.types';
import type { ProviderAdapter } from '../providers/provider.types';
import { adapterFor, embedInput, routedUsage } from './call-parts';
import type { CandidateCall } from './candidate-loop';
import { NO_USAGE } from './invocation-recorder';

/**
 * A rerank call: the query and every document are input (reserved and settled like any
 * other), no output. Candidates whose adapter has no rerank endpoint are passed over.
 */
export function rerankCall(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  request: RerankRequest,
  routing: LlmRouting,
): CandidateCall<RerankResponse, never> {
  return {
    kind: 'rerank',
    routing,
    input: embedInput([request.query, ...request.documents]),
    maxTokens: 0,
    usable: (candidate) => adapterFor(adapters, candidate).rerank !== undefined,
    open: (attempt) => ({
      // eslint-disable-next-line require-yield -- one answer, no events; the loop is a generator
      async *run() {
        const { candidate } = attempt;
        const adapter = adapterFor(adapters, candidate);
        if (!adapter.rerank) throw new Error(`${adapter.name} has no rerank endpoint`);
        const result = await adapter.rerank({
          model: candidate.model.id,
          query: request.query,
          documents: request.documents,
          topN: request.topN,
          signal: attempt.signal,
        });
        await attempt.succeeded(result.usage);
        return {
          results: result.results,
          usage: routedUsage(candidate, result.usage),
          model: candidate.model.id,
          provider: candidate.model.provider,
        };
      },
      spent: () => ({ usage: NO_USAGE }),
    }),
  };
}
