import type { EmbedRequest, EmbedResponse, LlmRouting } from '../llm.types';
import type { ProviderAdapter } from '../providers/provider.types';
import { adapterFor, embedInput, routedUsage } from './call-parts';
import type { CandidateCall } from './candidate-loop';
import { NO_USAGE } from './invocation-recorder';

/** An embeddings call: candidates whose adapter has no embeddings API are passed over. */
export function embedCall(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  request: EmbedRequest,
  routing: LlmRouting,
): CandidateCall<EmbedResponse, never> {
  return {
    kind: 'embed',
    routing,
    input: embedInput(request.input),
    maxTokens: 0,
    usable: (candidate) => adapterFor(adapters, candidate).embed !== undefined,
    open: (attempt) => ({
      // eslint-disable-next-line require-yield -- one answer, no events; the loop is a generator
      async *run() {
        const { candidate } = attempt;
        const adapter = adapterFor(adapters, candidate);
        if (!adapter.embed) throw new Error(`${adapter.name} has no embeddings API`);
        const result = await adapter.embed({
          model: candidate.model.id,
          input: request.input,
          dimensions: request.dimensions,
          signal: attempt.signal,
        });
        await attempt.succeeded(result.usage);
        return {
          embeddings: result.embeddings,
          usage: routedUsage(candidate, result.usage),
          model: candidate.model.id,
          provider: candidate.model.provider,
        };
      },
      spent: () => ({ usage: NO_USAGE }),
    }),
  };
}
