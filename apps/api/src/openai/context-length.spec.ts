import { estimateMessageTokens } from '@switchboard/llm';
import { checkContextLength } from './context-length';
import { OpenAiException } from './openai-error';

const messages = (words: number) => [
  { role: 'system' as const, content: 'be brief' },
  { role: 'user' as const, content: 'word '.repeat(words).trim() },
];

function refusal(call: () => void) {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAiException);
    return { status: (error as OpenAiException).getStatus(), ...(error as OpenAiException).error };
  }
  throw new Error('the request was accepted');
}

describe('checkContextLength', () => {
  const prompt = estimateMessageTokens(messages(100));

  it('accepts a prompt plus max_tokens up to the window, and anything without a window', () => {
    expect(() => checkContextLength({ model: 'm', messages: messages(100) }, prompt)).not.toThrow();
    const request = { model: 'm', messages: messages(100), maxTokens: 50 };
    expect(() => checkContextLength(request, prompt + 50)).not.toThrow();
    expect(() => checkContextLength(request, undefined)).not.toThrow();
  });

  it('refuses a prompt over the window with context_length_exceeded on messages', () => {
    expect(
      refusal(() => checkContextLength({ model: 'x/m', messages: messages(100) }, prompt - 1)),
    ).toEqual({
      status: 400,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
      message:
        `This model's maximum context length is ${prompt - 1} tokens. However, your messages ` +
        `resulted in at least ${prompt} tokens. Please reduce the length of the messages.`,
    });
  });

  it('counts max_tokens, and names the tier for an alias', () => {
    const request = { model: 'tier-1', messages: messages(100), maxTokens: 51 };
    expect(refusal(() => checkContextLength(request, prompt + 50))).toMatchObject({
      code: 'context_length_exceeded',
      message:
        `The largest context window of the models serving 'tier-1' is ${prompt + 50} tokens. ` +
        `However, you requested at least ${prompt + 51} tokens (at least ${prompt} in the ` +
        'messages, 51 in the completion). Please reduce the length of the messages or completion.',
    });
  });

  it('refuses a max_tokens larger than the window on its own', () => {
    const request = { model: 'm', messages: messages(1), maxTokens: 5_000 };
    expect(refusal(() => checkContextLength(request, 4_096))).toMatchObject({
      code: 'context_length_exceeded',
    });
  });
});
