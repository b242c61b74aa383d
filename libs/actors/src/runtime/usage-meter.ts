import type { Usage } from '@switchboard/catalogue';
import type {
  EmbedRequest,
  EmbedResponse,
  LlmClient,
  LlmRequest,
  LlmResponse,
  LlmStreamEvent,
} from '@switchboard/llm';
import type { StepJournal } from './step-journal';

/**
 * Wraps a job's LLM client: sums usage, and journals each response so a resumed parent
 * replays its earlier calls instead of paying for them twice.
 */
export class MeteredLlm implements LlmClient {
  private readonly total: Usage = { inputTokens: 0, outputTokens: 0, costMicros: 0 };

  constructor(
    private readonly inner: LlmClient,
    private readonly journal: StepJournal,
  ) {}

  async chat(request: LlmRequest): Promise<LlmResponse> {
    const replayed = this.journal.replay('llm');
    const response = replayed ? replayed.response : await this.inner.chat(request);
    if (!replayed) this.journal.record({ kind: 'llm', response });
    this.add(response);
    return response;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const replayed = this.journal.replay('llm');
    if (replayed) {
      this.add(replayed.response);
      yield { type: 'delta', text: replayed.response.text };
      yield { type: 'done', response: replayed.response };
      return;
    }
    for await (const event of this.inner.stream(request)) {
      if (event.type === 'done') {
        this.journal.record({ kind: 'llm', response: event.response });
        this.add(event.response);
      }
      yield event;
    }
  }

  /** Not journaled: embeddings are large, and repeating one is cheap. */
  async embed(request: EmbedRequest): Promise<EmbedResponse> {
    const response = await this.inner.embed(request);
    this.add(response);
    return response;
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
