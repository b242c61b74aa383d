import { chatInputOf, parseChatCompletion } from './chat-completion.request';
import { OpenAiException } from './openai-error';

const user = (content: unknown) => [{ role: 'user', content }];

function refusal(body: unknown) {
  try {
    parseChatCompletion(body);
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAiException);
    return { status: (error as OpenAiException).getStatus(), ...(error as OpenAiException).error };
  }
  throw new Error('the request was accepted');
}

describe('parseChatCompletion', () => {
  it('reduces an OpenAI request to a chat job input, ignoring unknown fields', () => {
    const request = parseChatCompletion({
      model: 'tier-1',
      messages: [
        { role: 'developer', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
          name: 'u',
        },
      ],
      max_tokens: 50,
      max_completion_tokens: 20,
      temperature: null,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
      user: 'someone',
      seed: 7,
    });
    expect(request).toMatchObject({ stream: true, includeUsage: true, maxTokens: 20 });
    expect(chatInputOf(request, 'x/x-model')).toEqual({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'a\nb' },
      ],
      model: 'x/x-model',
      maxTokens: 20,
      stop: ['END'],
    });
  });

  it('asks for usage only on streams', () => {
    const request = parseChatCompletion({
      model: 'tier-1',
      messages: user('x'),
      stream_options: { include_usage: true },
    });
    expect(request).toMatchObject({ stream: false, includeUsage: false });
  });

  it.each([
    ['a body that is not an object', [1], null, 'invalid_type'],
    ['no messages', { model: 'm' }, 'messages', 'missing_required_parameter'],
    [
      'a message without content',
      { model: 'm', messages: [{ role: 'user' }] },
      'messages[0].content',
      'missing_required_parameter',
    ],
    [
      'a tool message',
      { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].role',
      'unsupported_value',
    ],
    [
      'an assistant tool call',
      { model: 'm', messages: [{ role: 'assistant', content: 'x', tool_calls: [{}] }] },
      'messages[0].tool_calls',
      'unsupported_parameter',
    ],
    [
      'an audio part',
      { model: 'm', messages: user([{ type: 'input_audio' }]) },
      'messages[0].content[0].type',
      'unsupported_value',
    ],
    ['n=3', { model: 'm', messages: user('x'), n: 3 }, 'n', 'unsupported_value'],
    [
      'json mode',
      { model: 'm', messages: user('x'), response_format: { type: 'json_object' } },
      'response_format',
      'unsupported_parameter',
    ],
    [
      'logprobs',
      { model: 'm', messages: user('x'), logprobs: true },
      'logprobs',
      'unsupported_parameter',
    ],
    [
      'five stop strings',
      { model: 'm', messages: user('x'), stop: ['a', 'b', 'c', 'd', 'e'] },
      'stop',
      'invalid_value',
    ],
    [
      'an empty message',
      { model: 'm', messages: user('') },
      'messages[0].content',
      'invalid_value',
    ],
    [
      '501 messages',
      { model: 'm', messages: Array.from({ length: 501 }, () => ({ role: 1 })) },
      'messages',
      'invalid_value',
    ],
    [
      'a 300-character model',
      { model: 'm'.repeat(300), messages: user('x') },
      'model',
      'invalid_value',
    ],
    [
      'a string temperature',
      { model: 'm', messages: user('x'), temperature: 'hot' },
      'temperature',
      'invalid_type',
    ],
  ])('refuses %s with a 400 naming the parameter', (_what, body, param, code) => {
    expect(refusal(body)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param,
      code,
    });
  });

  it.each([
    ['tools: []', { tools: [] }, 'tools', "[] is too short - 'tools'", 'empty_array'],
    [
      'functions: []',
      { functions: [] },
      'functions',
      "[] is too short - 'functions'",
      'empty_array',
    ],
    [
      'tool_choice without tools',
      { tool_choice: 'auto' },
      'tool_choice',
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'invalid_value',
    ],
    [
      "tool_choice 'none' without tools",
      { tool_choice: 'none' },
      'tool_choice',
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'invalid_value',
    ],
    [
      'tool_choice with an empty tools list',
      { tools: [], tool_choice: 'auto' },
      'tools',
      "[] is too short - 'tools'",
      'empty_array',
    ],
    [
      'function_call without functions',
      { function_call: 'auto' },
      'function_call',
      "Invalid value for 'function_call': 'function_call' is only allowed when 'functions' are specified.",
      'invalid_value',
    ],
  ])('refuses %s as OpenAI does', (_what, extra, param, message, code) => {
    expect(refusal({ model: 'm', messages: user('x'), ...extra })).toEqual({
      status: 400,
      type: 'invalid_request_error',
      param,
      message,
      code,
    });
  });

  it('still accepts tool_choice "none" beside tools only to refuse tools as unsupported', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(refusal({ model: 'm', messages: user('x'), tools, tool_choice: 'none' })).toMatchObject({
      param: 'tools',
      code: 'unsupported_parameter',
    });
  });
});
