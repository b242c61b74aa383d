import type { LlmMessage } from '../messages/llm-message';
import { contentText } from '../messages/message-input';

/**
 * The simulated provider can be told to fail, so development and tests can exercise retries
 * and dead letters: a user message containing `[[simulate:error]]` makes every call fail with
 * a retryable provider (server) error. Real providers never see this; production refuses `simulated`.
 */
export const SIMULATE_ERROR = '[[simulate:error]]';

export function wantsSimulatedError(messages: readonly LlmMessage[]): boolean {
  return messages.some((m) => m.role === 'user' && contentText(m.content).includes(SIMULATE_ERROR));
}
