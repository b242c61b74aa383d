import type { Usage } from '@switchboard/catalogue';
import type {
  AnswerSlot,
  EmbedRequest,
  EmbedResponse,
  LlmClient,
  LlmRequest,
  LlmResponse,
  LlmStreamEvent,
  RerankRequest,
  RerankResponse,
} from '@switchboard/llm';
import type { JobEvent } from '@switchboard/streams';
import type { StepJournal } from './step-journal';

/** Where a job's stream events go (its Redis Stream, followed by SSE clients). */
export interface JobEventSink {
  token(text: string): void;
  publish(event: JobEvent): void;
}

/**
 * Wraps a job's LLM client: sums usage, journals each response so a later run of the job (a
 * resumed parent, a retry, a crashed worker's job taken over) replays its earlier calls
 * instead of paying for them twice, and tees streamed output, provider switches and budget
 * news into the job's event stream. The answer reaches the durable journal in the same write
 * that settles the call (`slot`), before the caller sees it.
 */
export class MeteredLlm implements LlmClient {
  private readonly total: Usage = { inputTokens: 0, outputTokens: 0, costMicros: 0 };

  constructor(
    private readonly inner: LlmClient,
    private readonly journal: StepJournal,
    private readonly events?: JobEventSink,
    private readonly slot?: (position: number) => AnswerSlot,
  ) {}

  async chat(request: LlmRequest): Promise<LlmResponse> {
    const replayed = this.journal.replay('llm');
    if (replayed) {
      this.add(replayed.response);
      return replayed.response;
    }
    const position = this.journal.claim();
    const response = await this.inner.chat(this.journaled(request, position));
    this.journal.fill(position, { kind: 'llm', response });
    this.add(response);
    return response;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const replayed = this.journal.replay('llm');
    if (replayed) {
      const { response } = replayed;
      this.add(response);
      if (response.text) yield { type: 'delta', text: response.text };
      for (const [index, call] of (response.toolCalls ?? []).entries()) {
        yield { type: 'tool_call', index, id: call.id, name: call.name, arguments: call.arguments };
      }
      yield { type: 'done', response };
      return;
    }
    const position = this.journal.claim();
    for await (const event of this.inner.stream(this.journaled(request, position))) {
      if (event.type === 'done') {
        this.journal.fill(position, { kind: 'llm', response: event.response });
        this.add(event.response);
      }
      this.tee(event);
      yield event;
    }
  }

  /** Not journaled: embeddings are large, and repeating one is cheap. */
  async embed(request: EmbedRequest): Promise<EmbedResponse> {
    const response = await this.inner.embed(request);
    this.add(response);
    return response;
  }

  /** Not journaled either: a rerank is cheap to repeat and its answer is not text. */
  async rerank(request: RerankRequest): Promise<RerankResponse> {
    const response = await this.inner.rerank(request);
    this.add(response);
    return response;
  }

  private journaled(request: LlmRequest, position: number): LlmRequest {
    return this.slot ? { ...request, journal: this.slot(position) } : request;
  }

  private tee(event: LlmStreamEvent): void {
    const events = this.events;
    if (!events) return;
    switch (event.type) {
      case 'delta':
        events.token(event.text);
        return;
      case 'tool_call': {
        const { index, id, name, arguments: args } = event;
        events.publish({ type: 'tool_call_delta', index, id, name, arguments: args });
        return;
      }
      case 'failover':
      case 'restart': {
        const { from, to, reason } = event;
        events.publish({ type: 'provider', event: event.type, from, to, reason });
        return;
      }
      case 'budget': {
        const { requested, maxTokens } = event;
        events.publish({ type: 'budget', event: event.event, detail: { requested, maxTokens } });
        return;
      }
      case 'done':
        if (event.response.finishReason === 'budget_exhausted') {
          const detail = { provider: event.response.provider, model: event.response.model };
          events.publish({ type: 'budget', event: 'cut_off', detail });
        }
        return;
    }
  }

  usage(): Usage {
    return { ...this.total };
  }

  private add(response: Pick<LlmResponse, 'usage'>): void {
    this.total.inputTokens += response.usage.inputTokens;
    this.total.outputTokens += response.usage.outputTokens;
    this.total.costMicros += response.usage.costMicros;
  }
}
