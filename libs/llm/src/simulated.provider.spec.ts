import { loadConfig } from '@switchboard/config';
import { SimulatedProvider } from './simulated.provider';

const messages = [{ role: 'user' as const, content: 'Write a haiku about queues' }];

describe('SimulatedProvider', () => {
  const provider = new SimulatedProvider({
    ...loadConfig({}).llm,
    simulatedLatencyMs: 0,
    simulatedTokensPerSecond: 1_000_000,
  });

  it('is deterministic and counts its tokens', async () => {
    const a = await provider.chat({ messages }, { tier: 1, privacy: false });
    const b = await provider.chat({ messages }, { tier: 1, privacy: false });
    expect(a).toEqual(b);
    expect(a.provider).toBe('simulated');
    expect(a.text.startsWith('Simulated:')).toBe(true);
    expect(a.usage.outputTokens).toBe(a.text.split(' ').length - 1);
    expect(a.usage.costMicros).toBeGreaterThan(0);
  });

  it('streams the same text it returns, and stops at maxTokens', async () => {
    let streamed = '';
    for await (const event of provider.stream(
      { messages, maxTokens: 5 },
      { tier: 0, privacy: true },
    )) {
      if (event.type === 'delta') streamed += event.text;
      else {
        expect(event.response.text).toBe(streamed);
        expect(event.response.usage.outputTokens).toBe(5);
        expect(event.response.finishReason).toBe('length');
        expect(event.response.usage.costMicros).toBe(0);
      }
    }
  });

  it('fails on request, for exercising retries', async () => {
    const call = provider.chat(
      { messages: [{ role: 'user', content: 'x [[simulate:error]]' }] },
      { tier: 1, privacy: false },
    );
    await expect(call).rejects.toThrow(/simulated provider error/);
  });

  it('stops when the signal aborts', async () => {
    const slow = new SimulatedProvider({ ...loadConfig({}).llm, simulatedLatencyMs: 10_000 });
    const controller = new AbortController();
    const call = slow.chat({ messages }, { tier: 1, privacy: false, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(call).rejects.toThrow('cancelled');
  });
});
