import { guardedStream } from './guarded-stream';
import { ProviderError } from './provider-error';
import type { ProviderStreamChunk } from './provider.types';

const delta = (text: string): ProviderStreamChunk => ({ type: 'delta', text });

describe('guardedStream', () => {
  it('passes chunks through and leaves the request alone once the stream completed', async () => {
    let seen: AbortSignal | undefined;
    const chunks: ProviderStreamChunk[] = [];
    const stream = guardedStream('p', new AbortController().signal, async function* (signal) {
      seen = signal;
      yield delta('a');
      yield { type: 'done', finishReason: 'stop', usage: null };
    });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual([delta('a'), { type: 'done', finishReason: 'stop', usage: null }]);
    expect(seen?.aborted).toBe(false);
  });

  it('aborts the request signal when the consumer stops early', async () => {
    let seen: AbortSignal | undefined;
    let cleanedUp = false;
    const stream = guardedStream('p', new AbortController().signal, async function* (signal) {
      seen = signal;
      try {
        yield delta('a');
        yield delta('b');
      } finally {
        cleanedUp = true;
      }
    });
    for await (const chunk of stream) {
      expect(chunk).toEqual(delta('a'));
      break;
    }
    expect(cleanedUp).toBe(true);
    expect(seen?.aborted).toBe(true);
  });

  it('maps errors to ProviderErrors with the headers the adapter kept', async () => {
    const headers = new Headers({ 'retry-after': '1' });
    const rateLimited = Object.assign(new Error('too many requests'), {
      name: 'ResponseError',
      error: 'too many requests',
      status_code: 429,
    });
    const stream = guardedStream(
      'p',
      new AbortController().signal,
      // eslint-disable-next-line require-yield
      async function* () {
        throw rateLimited;
      },
      () => headers,
    );
    await expect(stream.next()).rejects.toMatchObject({
      kind: 'rate_limit',
      details: { retryAfterMs: 1000 },
    });
  });

  it('rethrows the call signal reason when the call was aborted', async () => {
    const controller = new AbortController();
    const reason = new ProviderError('timeout', 'router', 'deadline');
    const stream = guardedStream('p', controller.signal, async function* (signal) {
      yield delta('a');
      controller.abort(reason);
      expect(signal.aborted).toBe(true);
      throw new ProviderError('connection', 'p', 'stream ended before it was complete');
    });
    await expect(stream.next()).resolves.toEqual({ done: false, value: delta('a') });
    await expect(stream.next()).rejects.toBe(reason);
  });
});
