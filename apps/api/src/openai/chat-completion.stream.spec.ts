import type { JobResult } from '@switchboard/catalogue';
import type { Response } from 'express';
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ChatCompletionStream } from './chat-completion.stream';

/** The parts of an Express response the stream uses, recording what was written. */
class RecordingResponse extends EventEmitter {
  readonly written: string[] = [];
  writableEnded = false;
  destroyed = false;
  headersSent = false;
  statusCode = 0;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  set() {
    return this;
  }
  flushHeaders() {
    this.headersSent = true;
  }
  write(text: string) {
    this.written.push(text);
    return true;
  }
  end(text?: string) {
    if (text) this.written.push(text);
    this.writableEnded = true;
  }

  /** The `data:` payloads after the role chunk, `[DONE]` as is. */
  get data(): unknown[] {
    return this.written
      .filter((line) => line.startsWith('data: '))
      .slice(1)
      .map((line) => line.slice(6).trim())
      .map((data): unknown => (data === '[DONE]' ? data : JSON.parse(data)));
  }
}

const head = { jobId: 'j1', model: 'tier-1', created: 1_800_000_000 };
const result = {
  text: '',
  toolCalls: [{ id: 'call_a', name: 'f', arguments: '{"a":1}' }],
  finishReason: 'tool_calls',
  usage: { inputTokens: 5, outputTokens: 3, costMicros: 1 },
  model: 'm',
  provider: 'p',
} as unknown as JobResult<'chat'>;

function open(includeUsage = false) {
  const res = new RecordingResponse();
  const sse = new ChatCompletionStream(
    res as unknown as Response,
    head,
    includeUsage,
    60_000,
    60_000,
  );
  return { res, sse };
}

const deltas = (res: RecordingResponse) =>
  res.data.map((d) =>
    typeof d === 'string' ? d : (d as { choices: { delta: unknown }[] }).choices[0]?.delta,
  );

describe('ChatCompletionStream tool calls', () => {
  it('starts a call as OpenAI does and coalesces the argument pieces that are there together', async () => {
    const { res, sse } = open();
    await sse.toolCall(0, 'call_a', 'f');
    await sse.toolArguments(0, '{"a"');
    await sse.toolArguments(0, ':1');
    expect(deltas(res)).toEqual([
      {
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
    ]);
    await nextTurn();
    await sse.toolArguments(0, '}');
    await sse.finish(result);
    expect(deltas(res)).toEqual([
      {
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '}' } }] },
      {},
      '[DONE]',
    ]);
    const finish = res.data[3] as { choices: { finish_reason: string }[] };
    expect(finish.choices[0].finish_reason).toBe('tool_calls');
    expect(sse.sentText).toBe(true);
    sse.close();
  });

  it('keeps the order of interleaved calls, and sends held pieces before anything else', async () => {
    const { res, sse } = open(true);
    await sse.toolCall(0, 'a', 'f');
    await sse.toolCall(1, 'b', 'g');
    await sse.toolArguments(0, '{');
    await sse.toolArguments(1, '[');
    await sse.toolArguments(1, ']');
    await sse.token('and text');
    await sse.finish(result);
    expect(deltas(res).slice(2, 5)).toEqual([
      { tool_calls: [{ index: 0, function: { arguments: '{' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '[]' } }] },
      { content: 'and text' },
    ]);
    // The usage chunk, with no choices.
    expect(res.data.at(-2)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    sse.close();
  });
});
