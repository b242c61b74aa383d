import type { JobResult } from '@switchboard/catalogue';
import type { Response } from 'express';
import { trackSseConnection } from '../metrics/http.metrics';
import { finishReasonOf, toChunk, usageOf, type CompletionHead } from './chat-completion.views';
import type { OpenAiException } from './openai-error';

/**
 * One streamed completion in OpenAI's SSE format: a first chunk with the role, a chunk per
 * token, tool calls as OpenAI streams them (a chunk starting each call with its id, type, name
 * and empty arguments, then chunks of argument pieces), a last chunk with `finish_reason`, the
 * usage chunk when asked, then `[DONE]`.
 *
 * Headers go out lazily (first token, the end, or `openAfterMs`), so a job that fails before
 * writing anything still answers with a real HTTP status, as OpenAI does; a long queue wait
 * opens the stream and keeps it alive with SSE comments.
 */
export class ChatCompletionStream {
  private opened = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly openTimer: NodeJS.Timeout;
  /** Argument pieces of one call, coalesced until the event loop turns or other output comes. */
  private heldArguments: { index: number; text: string } | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly res: Response,
    private readonly head: CompletionHead,
    private readonly includeUsage: boolean,
    private readonly heartbeatMs: number,
    openAfterMs: number,
  ) {
    this.openTimer = setTimeout(() => this.open(), openAfterMs);
  }

  /** Whether text or tool calls were already sent: a restart can then no longer be hidden. */
  sentText = false;

  async token(text: string): Promise<void> {
    await this.flushArguments();
    return this.delta({ content: text });
  }

  /** A tool call starts: its id, type, name and (as OpenAI's first piece) empty arguments. */
  async toolCall(index: number, id: string, name: string): Promise<void> {
    await this.flushArguments();
    const call = { index, id, type: 'function', function: { name, arguments: '' } };
    return this.delta({ tool_calls: [call] });
  }

  /**
   * A piece of a call's arguments. Pieces that are already there together (a replayed stream,
   * a burst) go out as one chunk; a piece waits at most one turn of the event loop.
   */
  async toolArguments(index: number, text: string): Promise<void> {
    this.sentText = true;
    if (this.heldArguments && this.heldArguments.index !== index) await this.flushArguments();
    if (this.heldArguments) this.heldArguments.text += text;
    else this.heldArguments = { index, text };
    this.flushScheduled ??= setImmediate(() => void this.flushArguments());
  }

  async finish(result: JobResult<'chat'>): Promise<void> {
    await this.flushArguments();
    this.open();
    const finish = { delta: {}, finish_reason: finishReasonOf(result) };
    await this.send(toChunk(this.head, this.includeUsage, finish));
    if (this.includeUsage) await this.send(toChunk(this.head, true, null, usageOf(result)));
    this.done();
  }

  /**
   * Before the stream opened: the error's own status and body. After: OpenAI's in-stream error
   * (`data: {"error": …}`, which OpenAI SDKs raise as an APIError), then `[DONE]`.
   */
  async fail(error: OpenAiException): Promise<void> {
    this.stopTimers();
    if (!this.opened) {
      if (this.res.headersSent || this.res.writableEnded) return;
      this.res.status(error.getStatus()).set(error.headers).json({ error: error.error });
      return;
    }
    await this.send({ error: error.error });
    this.done();
  }

  /** The client left, or the call is over: no more timers. */
  close(): void {
    this.stopTimers();
  }

  private delta(delta: Record<string, unknown>): Promise<void> {
    this.open();
    this.sentText = true;
    return this.send(toChunk(this.head, this.includeUsage, { delta, finish_reason: null }));
  }

  private flushArguments(): Promise<void> {
    clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const held = this.heldArguments;
    if (!held) return Promise.resolve();
    this.heldArguments = undefined;
    const call = { index: held.index, function: { arguments: held.text } };
    return this.delta({ tool_calls: [call] });
  }

  private open(): void {
    clearTimeout(this.openTimer);
    if (this.opened || this.res.writableEnded) return;
    this.opened = true;
    this.res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx must not buffer the tokens.
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
    trackSseConnection(this.res, 'chat_completions');
    this.heartbeat = setInterval(() => void this.write(': keep-alive\n\n'), this.heartbeatMs);
    const role = { delta: { role: 'assistant', content: '' }, finish_reason: null };
    void this.send(toChunk(this.head, this.includeUsage, role));
  }

  private send(data: unknown): Promise<void> {
    return this.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Writes, waiting for the socket to drain when the client reads slower than tokens come. */
  private write(text: string): Promise<void> {
    if (this.res.writableEnded || this.res.destroyed) return Promise.resolve();
    if (this.res.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const settle = () => {
        this.res.off('drain', settle);
        this.res.off('close', settle);
        resolve();
      };
      this.res.once('drain', settle);
      this.res.once('close', settle);
    });
  }

  private done(): void {
    this.stopTimers();
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.end('data: [DONE]\n\n');
  }

  private stopTimers(): void {
    clearImmediate(this.flushScheduled);
    clearTimeout(this.openTimer);
    clearInterval(this.heartbeat);
  }
}
