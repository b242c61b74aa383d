import type { JobResult } from '@switchboard/catalogue';
import { finishReasonOf, toChatCompletion, toChunk } from './chat-completion.views';

const head = { jobId: 'j1', model: 'tier-1', created: 1_800_000_000 };
const usage = { inputTokens: 10, outputTokens: 4, costMicros: 3 };
const result = (extra: Partial<JobResult<'chat'>>): JobResult<'chat'> => ({
  text: '',
  finishReason: 'stop',
  usage,
  model: 'x-model',
  provider: 'x',
  ...extra,
});

describe('chat completion views', () => {
  it('answers tool calls with content null and finish_reason tool_calls', () => {
    const completion = toChatCompletion(
      head,
      result({
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      }),
    );
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    expect(completion.usage).toEqual({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
  });

  it('keeps text beside tool calls, and plain text answers as they were', () => {
    const both = toChatCompletion(
      head,
      result({
        text: 'Let me look.',
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }],
      }),
    );
    expect(both.choices[0].message).toMatchObject({ content: 'Let me look.' });
    const text = toChatCompletion(head, result({ text: 'hi' }));
    expect(text.choices[0].message).toEqual({ role: 'assistant', content: 'hi', refusal: null });
  });

  it('calls a budget cut-off length', () => {
    expect(finishReasonOf(result({ finishReason: 'budget_exhausted' }))).toBe('length');
    expect(finishReasonOf(result({ finishReason: 'length' }))).toBe('length');
  });

  it('puts tool call deltas in a chunk as they are given', () => {
    const call = { index: 0, function: { arguments: '{"a"' } };
    expect(
      toChunk(head, true, { delta: { tool_calls: [call] }, finish_reason: null }),
    ).toMatchObject({
      id: 'chatcmpl-j1',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }],
      usage: null,
    });
  });
});
