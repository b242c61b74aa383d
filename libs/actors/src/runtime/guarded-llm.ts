import type {
  EmbedRequest,
  EmbedResponse,
  LlmClient,
  LlmRequest,
  LlmResponse,
  LlmStreamEvent,
  RerankRequest,
  RerankResponse,
} from '@switchboard/llm';
import type { InFlightWork } from './in-flight-work';

/**
 * The job's LLM client under the meter: once the run's signal has aborted (cancel, timeout,
 * hand-back) no call starts and no stream event is passed on, so a handler that ignores the
 * signal spends nothing more and streams nothing more. Each call is tracked as in-flight work.
 */
export class GuardedLlm implements LlmClient {
  constructor(
    private readonly inner: LlmClient,
    private readonly signal: AbortSignal,
    private readonly work: InFlightWork,
  ) {}

  chat(request: LlmRequest): Promise<LlmResponse> {
    this.refuseIfOver();
    return this.work.track(this.inner.chat(request));
  }

  embed(request: EmbedRequest): Promise<EmbedResponse> {
    this.refuseIfOver();
    return this.work.track(this.inner.embed(request));
  }

  rerank(request: RerankRequest): Promise<RerankResponse> {
    this.refuseIfOver();
    return this.work.track(this.inner.rerank(request));
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    this.refuseIfOver();
    let finish!: () => void;
    void this.work.track(new Promise<void>((resolve) => (finish = resolve)));
    try {
      for await (const event of this.inner.stream(request)) {
        // Drained, not broken off: the router ends the aborted call its own way (logged as
        // cancelled, settled for what was used) and throws the abort reason itself.
        if (this.signal.aborted) continue;
        yield event;
      }
      this.refuseIfOver();
    } finally {
      finish();
    }
  }

  private refuseIfOver(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }
}
