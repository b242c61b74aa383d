import { chatInputOf, parseChatCompletion } from './chat-completion.request';
import { OpenAiException } from './openai-error';

const user = (content: unknown) => [{ role: 'user', content }];
const tool = (name: string, parameters?: unknown) => ({
  type: 'function',
  function: { name, description: `the ${name} tool`, ...(parameters ? { parameters } : {}) },
});
const weather = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

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
      'a tool message without tool_call_id',
      { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id',
      'missing_required_parameter',
    ],
    [
      'a tool message answering no call',
      { model: 'm', messages: [{ role: 'tool', content: 'x', tool_call_id: 'c1' }] },
      'messages[0].tool_call_id',
      'invalid_value',
    ],
    [
      'a legacy function message',
      { model: 'm', messages: [{ role: 'function', name: 'f', content: 'x' }] },
      'messages[0].role',
      'unsupported_value',
    ],
    [
      'an assistant tool call without a function',
      { model: 'm', messages: [{ role: 'assistant', content: 'x', tool_calls: [{ id: 'c' }] }] },
      'messages[0].tool_calls[0].function',
      'missing_required_parameter',
    ],
    [
      'an assistant tool call with a bad name',
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'a b', arguments: '{}' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.name',
      'invalid_value',
    ],
    [
      'an assistant legacy function_call',
      { model: 'm', messages: [{ role: 'assistant', content: 'x', function_call: { name: 'f' } }] },
      'messages[0].function_call',
      'unsupported_parameter',
    ],
    [
      'an assistant message with neither content nor tool calls',
      { model: 'm', messages: [{ role: 'assistant', content: null }] },
      'messages[0].content',
      'missing_required_parameter',
    ],
    [
      'an image in a system message',
      { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url' }] }] },
      'messages[0].content[0].type',
      'unsupported_value',
    ],
    [
      'a data URL that is not an image',
      {
        model: 'm',
        messages: user([{ type: 'image_url', image_url: { url: 'data:text/plain;base64,eA==' } }]),
      },
      'messages[0].content[0].image_url.url',
      'unsupported_value',
    ],
    [
      'an image URL that is neither http(s) nor data',
      { model: 'm', messages: user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }]) },
      'messages[0].content[0].image_url.url',
      'invalid_value',
    ],
    [
      'base64 that is not base64',
      {
        model: 'm',
        messages: user([{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@' } }]),
      },
      'messages[0].content[0].image_url.url',
      'invalid_value',
    ],
    [
      'an audio part',
      { model: 'm', messages: user([{ type: 'input_audio' }]) },
      'messages[0].content[0].type',
      'unsupported_value',
    ],
    ['n=3', { model: 'm', messages: user('x'), n: 3 }, 'n', 'unsupported_value'],
    [
      'a grammar response_format',
      { model: 'm', messages: user('x'), response_format: { type: 'grammar' } },
      'response_format.type',
      'unsupported_value',
    ],
    [
      'a json_schema response_format without a schema',
      {
        model: 'm',
        messages: user('x'),
        response_format: { type: 'json_schema', json_schema: { name: 'x' } },
      },
      'response_format.json_schema.schema',
      'missing_required_parameter',
    ],
    [
      'a json_schema response_format with a bad name',
      {
        model: 'm',
        messages: user('x'),
        response_format: { type: 'json_schema', json_schema: { name: 'a b', schema: {} } },
      },
      'response_format.json_schema.name',
      'invalid_value',
    ],
    [
      'a custom tool',
      { model: 'm', messages: user('x'), tools: [{ type: 'custom', custom: { name: 'f' } }] },
      'tools[0].type',
      'unsupported_value',
    ],
    [
      'a tool without a name',
      { model: 'm', messages: user('x'), tools: [{ type: 'function', function: {} }] },
      'tools[0].function.name',
      'missing_required_parameter',
    ],
    [
      'a tool with a bad name',
      { model: 'm', messages: user('x'), tools: [{ type: 'function', function: { name: 'a.b' } }] },
      'tools[0].function.name',
      'invalid_value',
    ],
    [
      'a tool declared twice',
      {
        model: 'm',
        messages: user('x'),
        tools: [
          { type: 'function', function: { name: 'f' } },
          { type: 'function', function: { name: 'f' } },
        ],
      },
      'tools[1].function.name',
      'invalid_value',
    ],
    [
      'an unknown tool_choice string',
      { model: 'm', messages: user('x'), tools: [tool('f')], tool_choice: 'any' },
      'tool_choice',
      'invalid_value',
    ],
    [
      'an allowed_tools tool_choice',
      {
        model: 'm',
        messages: user('x'),
        tools: [tool('f')],
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
      },
      'tool_choice.type',
      'unsupported_value',
    ],
    [
      'legacy functions',
      { model: 'm', messages: user('x'), functions: [{ name: 'f' }] },
      'functions',
      'unsupported_parameter',
    ],
    [
      'audio output modalities',
      { model: 'm', messages: user('x'), modalities: ['text', 'audio'] },
      'modalities',
      'unsupported_parameter',
    ],
    [
      'predicted outputs',
      { model: 'm', messages: user('x'), prediction: { type: 'content', content: 'x' } },
      'prediction',
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

  it('maps tools, tool_choice, parallel_tool_calls and a json_schema response_format', () => {
    const request = parseChatCompletion({
      model: 'm',
      messages: user('weather?'),
      tools: [
        { type: 'function', function: { name: 'weather', parameters: weather, strict: true } },
        tool('clock'),
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', description: 'the reply', schema: weather, strict: true },
      },
    });
    expect(chatInputOf(request)).toEqual({
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [
        { name: 'weather', parameters: weather },
        {
          name: 'clock',
          description: 'the clock tool',
          parameters: { type: 'object', properties: {} },
        },
      ],
      toolChoice: { name: 'weather' },
      parallelToolCalls: false,
      responseFormat: {
        type: 'json_schema',
        name: 'answer',
        schema: { description: 'the reply', ...weather },
        strict: true,
      },
    });
    for (const choice of ['auto', 'none', 'required'] as const) {
      const simple = parseChatCompletion({
        model: 'm',
        messages: user('x'),
        tools: [tool('f')],
        tool_choice: choice,
      });
      expect(simple.toolChoice).toBe(choice);
    }
    expect(
      parseChatCompletion({ model: 'm', messages: user('x'), response_format: { type: 'text' } })
        .responseFormat,
    ).toBeUndefined();
    expect(
      parseChatCompletion({
        model: 'm',
        messages: user('x'),
        response_format: { type: 'json_object' },
      }).responseFormat,
    ).toEqual({ type: 'json_object' });
    // Without tools, parallel_tool_calls says nothing.
    expect(
      parseChatCompletion({ model: 'm', messages: user('x'), parallel_tool_calls: true })
        .parallelToolCalls,
    ).toBeUndefined();
  });

  it('maps a tool-calling conversation: assistant tool_calls with null content, tool results, images', () => {
    const png = 'iVBORw0KGgo=';
    const request = parseChatCompletion({
      model: 'm',
      tools: [tool('weather', weather)],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in it, and the weather there?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: `data:image/PNG;base64,${png}` } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'rain' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'sun' }] },
        { role: 'assistant', content: 'Rain in Oslo.' },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is in it, and the weather there?' },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'image', data: png, mediaType: 'image/png' },
        ],
      },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_2', name: 'weather', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', name: 'weather', content: 'rain' },
      { role: 'tool', toolCallId: 'call_2', name: 'weather', content: 'sun' },
      { role: 'assistant', content: 'Rain in Oslo.' },
    ]);
  });

  it.each([
    ['not JSON Schema', { type: 'object', properties: { city: { type: 'town' } } }],
    ['a schema of a string', { type: 'string' }],
  ])('refuses tool parameters that are %s, naming the tool', (_what, parameters) => {
    expect(
      refusal({
        model: 'm',
        messages: user('x'),
        tools: [tool('ok'), tool('weather', parameters)],
      }),
    ).toEqual({
      status: 400,
      type: 'invalid_request_error',
      param: 'tools[1].function.parameters',
      code: 'invalid_function_parameters',
      message: expect.stringMatching(/^Invalid schema for function 'weather': /),
    });
  });

  it('takes parameters declaring draft 2020-12, as zod 4 and LangChain write them', () => {
    const parameters = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...weather };
    const request = parseChatCompletion({
      model: 'm',
      messages: user('x'),
      tools: [tool('weather', parameters)],
    });
    expect(request.tools).toEqual([
      { name: 'weather', description: 'the weather tool', parameters },
    ]);
  });

  it('refuses a tool_choice naming a function not among tools', () => {
    expect(
      refusal({
        model: 'm',
        messages: user('x'),
        tools: [tool('weather')],
        tool_choice: { type: 'function', function: { name: 'clock' } },
      }),
    ).toEqual({
      status: 400,
      type: 'invalid_request_error',
      param: 'tool_choice',
      code: 'invalid_value',
      message: "Invalid value for 'tool_choice': there is no function named 'clock' in 'tools'.",
    });
  });

  it('refuses an invalid response_format schema, naming it', () => {
    expect(
      refusal({
        model: 'm',
        messages: user('x'),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'answer', schema: { type: 'object', required: 'all' } },
        },
      }),
    ).toMatchObject({
      param: 'response_format.json_schema.schema',
      message: expect.stringMatching(/^Invalid schema for response_format 'answer': /),
    });
  });
});
