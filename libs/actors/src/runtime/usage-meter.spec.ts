import type {
  AnswerSlot,
  EmbedRequest,
  LlmClient,
  LlmRequest,
  LlmResponse,
  LlmStreamEvent,
} from '@switchboard/llm';
import type { JobEvent } from '@switchboard/streams';
import { StepJournal, type Step } from './step-journal';
import { MeteredLlm, type JobEventSink } from './usage-meter';

const answer = (text: string, overrides: Partial<LlmResponse> = {}): LlmResponse => ({
  text,
  finishReason: 'stop',
  usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0, costMicros: 14 },
  model: 'm',
  provider: 'p',
  tier: 1,
  ...overrides,
});
const journaled = (response: LlmResponse): Step => ({ kind: 'llm', response });
const slots = (position: number): AnswerSlot => ({
  key: 'journal:job-1',
  field: String(position),
  ttlMs: 60_000,
});

/** The job's LLM client as the router would answer it, recording what it was asked. */
class ScriptedClient implements LlmClient {
  readonly requests: LlmRequest[] = [];
  readonly embeds: EmbedRequest[] = [];
  /** Chat answers wait for `release` (in call order) when `held`. */
  held = false;
  private readonly pending: (() => void)[] = [];

  constructor(private readonly events: LlmStreamEvent[] = []) {}

  async chat(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push(request);
    const text = `answer ${this.requests.length}`;
    if (this.held) await new Promise<void>((resolve) => this.pending.push(resolve));
    return answer(text);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    this.requests.push(request);
    for (const event of this.events) yield event;
  }

  async embed(request: EmbedRequest) {
    this.embeds.push(request);
    const usage = { inputTokens: 4, outputTokens: 0, cachedInputTokens: 0, costMicros: 1 };
    return { embeddings: [[0.5]], usage, model: 'e', provider: 'p' };
  }

  async rerank() {
    const usage = { inputTokens: 6, outputTokens: 0, cachedInputTokens: 0, costMicros: 2 };
    return { results: [{ index: 0, score: 1 }], usage, model: 'r', provider: 'p' };
  }

  release(index: number): void {
    this.pending[index]();
  }
}

class EventLog implements JobEventSink {
  readonly tokens: string[] = [];
  readonly published: JobEvent[] = [];
  token(text: string): void {
    this.tokens.push(text);
  }
  publish(event: JobEvent): void {
    this.published.push(event);
  }
}

async function drain(stream: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const events: LlmStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('MeteredLlm', () => {
  it('replays a journaled chat answer without calling the provider, and counts its usage', async () => {
    const inner = new ScriptedClient();
    const paid = answer('paid before', {
      usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 0, costMicros: 13 },
    });
    const journal = new StepJournal([], new Map([[0, journaled(paid)]]));
    const llm = new MeteredLlm(inner, journal, undefined, slots);
    expect(await llm.chat({ messages: [{ role: 'user', content: 'hi' }] })).toEqual(paid);
    expect(inner.requests).toEqual([]);
    expect(llm.usage()).toEqual({ inputTokens: 7, outputTokens: 3, costMicros: 13 });

    // The next call was never answered: it goes out, journaled at the next position.
    const fresh = await llm.chat({ messages: [{ role: 'user', content: 'and then?' }] });
    expect(fresh.text).toBe('answer 1');
    expect(inner.requests[0].journal).toEqual(slots(1));
    expect(journal.toJSON()).toEqual([journaled(paid), journaled(fresh)]);
    expect(llm.usage()).toEqual({ inputTokens: 17, outputTokens: 5, costMicros: 27 });
  });

  it('replays a journaled stream as its text and its answer, without calling the provider', async () => {
    const inner = new ScriptedClient();
    const paid = answer('streamed before');
    const events = new EventLog();
    const llm = new MeteredLlm(
      inner,
      new StepJournal([], new Map([[0, journaled(paid)]])),
      events,
      slots,
    );
    expect(await drain(llm.stream({ messages: [] }))).toEqual([
      { type: 'delta', text: 'streamed before' },
      { type: 'done', response: paid },
    ]);
    expect(inner.requests).toEqual([]);
    expect(llm.usage().costMicros).toBe(14);
  });

  it('passes each new call the slot of its position, and keeps concurrent calls in call order', async () => {
    const inner = new ScriptedClient();
    inner.held = true;
    const journal = new StepJournal();
    const llm = new MeteredLlm(inner, journal, undefined, slots);
    const first = llm.chat({ messages: [] });
    const second = llm.chat({ messages: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(inner.requests.map((r) => r.journal?.field)).toEqual(['0', '1']);
    inner.release(1); // the second answers first
    await second;
    inner.release(0);
    await first;
    // Each answer sits at the position its call claimed, not where it finished.
    expect(journal.toJSON()).toEqual([
      journaled(answer('answer 1')),
      journaled(answer('answer 2')),
    ]);
  });

  it('sends the request unchanged without slots', async () => {
    const inner = new ScriptedClient([{ type: 'done', response: answer('x') }]);
    const llm = new MeteredLlm(inner, new StepJournal());
    const request: LlmRequest = { messages: [{ role: 'user', content: 'hi' }] };
    await llm.chat(request);
    await drain(llm.stream(request));
    expect(inner.requests).toEqual([request, request]);
  });

  it("tees a new stream into the job's events and journals its answer", async () => {
    const cut = answer('tok1', { finishReason: 'budget_exhausted' });
    const script: LlmStreamEvent[] = [
      { type: 'failover', from: 'a/m', to: 'b/m', reason: '503' },
      { type: 'budget', event: 'max_tokens_lowered', requested: 8, maxTokens: 2 },
      { type: 'delta', text: 'tok1' },
      { type: 'restart', from: 'b/m', to: 'c/m', reason: 'reset' },
      { type: 'delta', text: 'tok1' },
      { type: 'done', response: cut },
    ];
    const inner = new ScriptedClient(script);
    const events = new EventLog();
    const journal = new StepJournal();
    const llm = new MeteredLlm(inner, journal, events, slots);
    expect(await drain(llm.stream({ messages: [] }))).toEqual(script);
    expect(inner.requests[0].journal).toEqual(slots(0));
    expect(journal.toJSON()).toEqual([journaled(cut)]);
    expect(events.tokens).toEqual(['tok1', 'tok1']);
    expect(events.published).toEqual([
      { type: 'provider', event: 'failover', from: 'a/m', to: 'b/m', reason: '503' },
      { type: 'budget', event: 'max_tokens_lowered', detail: { requested: 8, maxTokens: 2 } },
      { type: 'provider', event: 'restart', from: 'b/m', to: 'c/m', reason: 'reset' },
      { type: 'budget', event: 'cut_off', detail: { provider: 'p', model: 'm' } },
    ]);
    expect(llm.usage()).toEqual({ inputTokens: 10, outputTokens: 2, costMicros: 14 });
  });

  it('publishes nothing for an answer that ended normally, and journals no failed stream', async () => {
    const ok = new ScriptedClient([{ type: 'done', response: answer('fine') }]);
    const events = new EventLog();
    await drain(new MeteredLlm(ok, new StepJournal(), events).stream({ messages: [] }));
    expect(events.published).toEqual([]);

    const failing: LlmClient = {
      chat: () => Promise.reject(new Error('down')),
      embed: () => Promise.reject(new Error('down')),
      rerank: () => Promise.reject(new Error('down')),
      async *stream() {
        yield { type: 'delta', text: 'partial' };
        throw new Error('broken');
      },
    };
    const journal = new StepJournal();
    const llm = new MeteredLlm(failing, journal, events, slots);
    await expect(drain(llm.stream({ messages: [] }))).rejects.toThrow('broken');
    await expect(llm.chat({ messages: [] })).rejects.toThrow('down');
    expect(journal.toJSON()).toEqual([]);
    expect(llm.usage()).toEqual({ inputTokens: 0, outputTokens: 0, costMicros: 0 });
  });

  it('counts embeddings without journaling them', async () => {
    const inner = new ScriptedClient();
    const journal = new StepJournal();
    const llm = new MeteredLlm(inner, journal, undefined, slots);
    await llm.embed({ input: ['a'] });
    await llm.embed({ input: ['b'] });
    expect(inner.embeds).toEqual([{ input: ['a'] }, { input: ['b'] }]);
    expect(journal.position).toBe(0);
    expect(llm.usage()).toEqual({ inputTokens: 8, outputTokens: 0, costMicros: 2 });
  });
});
