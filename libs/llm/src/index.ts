// LLM access for actors: providers through their official SDKs, the versioned model
// catalogue, and the router (tiers, escalation, privacy, failover, circuit breakers,
// 429 cooldowns, health checks) behind the per-job `LlmClient`; every attempt is logged.
export { LlmModule } from './llm.module';
export { LlmService, type ProviderStatus } from './llm.service';
export { InvocationLog } from './invocations/invocation-log';
export { loadCatalogue, checkCatalogue, CatalogueError } from './catalogue/load-catalogue';
export { ModelCatalogue, type CatalogueModel, type ModelPrices } from './catalogue/model-catalogue';
export {
  CAPABILITIES,
  ROUTING_STRATEGIES,
  modelCatalogueSchema,
  type Capability,
  type ModelCatalogueFile,
  type RoutingStrategy,
} from './catalogue/model-catalogue.schema';
export { BUILTIN_CATALOGUE } from './catalogue/builtin-catalogue';
export { callCostMicros } from './catalogue/cost';
export { createAdapter } from './providers/create-adapter';
export { ProviderError, type ProviderErrorKind } from './providers/provider-error';
export type { ProviderAdapter, ProviderKind, ProviderUsage } from './providers/provider.types';
export { LlmRouter, type RouterDeps } from './router/llm-router';
export { ProviderGate, type CircuitState, type GateStatus } from './router/provider-gate';
export { HealthMonitor, type ProviderHealth } from './router/health-monitor';
export type { InvocationSink } from './router/invocation-recorder';
export { BudgetExceededError } from './router/budget-errors';
export { StopMatcher, type StopConditions } from './router/stop-matcher';
export type { CallBudget } from './router/call-budget';
export {
  NoCandidateError,
  ProvidersExhaustedError,
  RoutingError,
  StreamInterruptedError,
} from './router/routing-errors';
export { estimateTokens, estimateMessageTokens, estimateMessageTokensUpTo } from './token-count';
export { byteBound, inputTokenBound } from './router/input-bound';
export { InvocationDrain } from './invocations/invocation-drain';
export { LedgerBacklogCollector } from './invocations/ledger-backlog.collector';
export {
  STREAM_FAILOVER_POLICIES,
  type AnswerSlot,
  type EmbedRequest,
  type EmbedResponse,
  type LlmClient,
  type LlmRequest,
  type LlmResponse,
  type LlmRouting,
  type LlmStreamEvent,
  type LlmUsage,
  type RerankRequest,
  type RerankResponse,
  type RerankResult,
  type StreamFailoverPolicy,
} from './llm.types';
export {
  DEFAULT_SIMULATED_DIMENSIONS,
  cosine,
  hashedEmbedding,
} from './simulated/hashed-embedding';
export { rerankResults, rerankScore } from './simulated/simulated-rerank';
export {
  IMAGE_MEDIA_TYPES,
  type ContentPart,
  type FinishReason,
  type ImageMediaType,
  type JsonSchema,
  type LlmMessage,
  type LlmTool,
  type ResponseFormat,
  type ToolCall,
  type ToolCallDelta,
  type ToolChoice,
} from './messages/llm-message';
export { toLlmMessages } from './messages/chat-messages';
export { ToolCallAssembler } from './messages/tool-call-assembler';
export { messageInput, contentText, IMAGE_INPUT_TOKENS } from './messages/message-input';
