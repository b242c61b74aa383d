// LLM access for actors: the `LlmClient` interface, bound per job to its tier and privacy.
// Backed for now by the clearly labelled `simulated` provider (deterministic, for dev/bench).
export { LlmModule } from './llm.module';
export { LlmService, SimulatedProviderRefusedError } from './llm.service';
export { SimulatedProvider } from './simulated.provider';
export { SimulatedProviderError } from './simulated-directives';
export { SIMULATED_MODELS, costMicros } from './simulated-models';
export { estimateTokens, estimateMessageTokens } from './token-count';
export type {
  LlmClient,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmRouting,
  LlmStreamEvent,
} from './llm.types';
