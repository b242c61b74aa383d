import type { LlmRequest, LlmResponse, LlmRouting } from '../llm.types';
import type { ProviderAdapter, ProviderChatResult } from '../providers/provider.types';
import { estimateTokens } from '../token-count';
import type { Attempt } from './attempt';
import {
  adapterFor,
  countedUsage,
  providerCall,
  routedResponse,
  type CallInput,
} from './call-parts';
import type { AttemptRun, CandidateCall } from './candidate-loop';
import { NO_USAGE } from './invocation-recorder';
import { StopMatcher } from './stop-matcher';

/** A non-streamed chat call: each attempt is one provider request and its whole answer. */
export function chatCall(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  request: LlmRequest,
  routing: LlmRouting,
  input: CallInput,
  maxTokens: number,
): CandidateCall<LlmResponse, never> {
  return {
    kind: 'chat',
    routing,
    input,
    maxTokens,
    request,
    open: (attempt) => chatAttempt(adapters, request, input, attempt),
  };
}

function chatAttempt(
  adapters: ReadonlyMap<string, ProviderAdapter>,
  request: LlmRequest,
  input: CallInput,
  attempt: Attempt,
): AttemptRun<LlmResponse, never> {
  const { candidate } = attempt;
  return {
    // eslint-disable-next-line require-yield -- one answer, no events; the loop is a generator
    async *run() {
      const result = await adapterFor(adapters, candidate).chat(
        providerCall(candidate, request, attempt.hold.maxTokens, attempt.signal),
      );
      const usage = chatUsage(result, input);
      // Without a stream the provider cannot be stopped early; the text still ends there.
      const stop = StopMatcher.active(request.stop) ? new StopMatcher(request.stop) : undefined;
      const text = stop ? stop.push(result.text) + stop.flush() : result.text;
      const finish = stop?.stopped ? 'stop' : result.finishReason;
      const response = routedResponse(candidate, text, finish, usage, result.toolCalls);
      await attempt.succeeded(usage, response);
      return response;
    },
    spent: () => ({ usage: NO_USAGE }),
  };
}

/** Some OpenAI-compatible servers send no usage: count it rather than log a free call. */
function chatUsage(result: ProviderChatResult, input: CallInput) {
  const { text, toolCalls, usage } = result;
  if (usage.inputTokens + usage.outputTokens > 0 || !(text || toolCalls?.length)) return usage;
  const calls = toolCalls?.length ? JSON.stringify(toolCalls) : '';
  return countedUsage(input, estimateTokens(text + calls));
}
