import { estimateMessageTokensUpTo, toLlmMessages } from '@switchboard/llm';
import type { ChatCompletionRequest } from './chat-completion.request';
import { OpenAiException } from './openai-error';
import { tierOfAlias } from './tier-alias';

/**
 * Refuses a request whose prompt (o200k tokens) plus `max_tokens` cannot fit the largest
 * context window among the models that could serve it, as OpenAI does, before any job,
 * reservation or provider call. Counting stops once past the window, so the figure in the
 * message is a lower bound. A model whose own tokenizer counts more than o200k may still
 * refuse a prompt close to its window. Tool definitions count as prompt, images at a fixed
 * allowance each.
 */
export function checkContextLength(
  request: Pick<ChatCompletionRequest, 'model' | 'messages' | 'maxTokens' | 'tools'>,
  contextWindow: number | undefined,
): void {
  if (contextWindow === undefined) return;
  const completion = request.maxTokens ?? 0;
  const prompt = estimateMessageTokensUpTo(
    toLlmMessages(request.messages),
    Math.max(0, contextWindow - completion),
    request.tools,
  );
  if (prompt + completion <= contextWindow) return;
  const limit =
    tierOfAlias(request.model) === undefined
      ? `This model's maximum context length is ${contextWindow} tokens.`
      : `The largest context window of the models serving '${request.model}' is ` +
        `${contextWindow} tokens.`;
  const asked =
    completion > 0
      ? `However, you requested at least ${prompt + completion} tokens (at least ${prompt} in ` +
        `the messages, ${completion} in the completion). Please reduce the length of the ` +
        'messages or completion.'
      : `However, your messages resulted in at least ${prompt} tokens. Please reduce the ` +
        'length of the messages.';
  throw new OpenAiException(400, {
    message: `${limit} ${asked}`,
    type: 'invalid_request_error',
    param: 'messages',
    code: 'context_length_exceeded',
  });
}
