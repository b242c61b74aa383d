/** A tool call as a chat job's result has it. */
export interface FeedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A piece of a tool call from the job's event stream (`tool_call_delta`). */
export interface ToolCallPiece {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/**
 * Tool call news in the order OpenAI streams it: a call starts once, with its id and name,
 * then its arguments come in pieces.
 */
export type ToolCallNews =
  | { type: 'tool_call'; index: number; id: string; name: string }
  | { type: 'tool_arguments'; index: number; text: string };

interface CallState {
  id?: string;
  name?: string;
  started: boolean;
  /** Arguments received before the call could start (no name yet). */
  held: string;
  /** Arguments already passed on. */
  shown: string;
}

/**
 * The tool calls of one completion as they stream: what was passed on so far, so that the end
 * (from the job's record when the stream could not tell) sends only what is missing and a
 * call is never sent twice.
 */
export class ToolCallFeed {
  private readonly calls = new Map<number, CallState>();

  /** Whether any call was passed on. */
  get started(): boolean {
    return [...this.calls.values()].some((call) => call.started);
  }

  push(piece: ToolCallPiece): ToolCallNews[] {
    const call = this.calls.get(piece.index) ?? { started: false, held: '', shown: '' };
    this.calls.set(piece.index, call);
    if (piece.id && !call.id) call.id = piece.id;
    if (piece.name && !call.started) call.name = piece.name;
    call.held += piece.arguments ?? '';
    const news: ToolCallNews[] = [];
    if (!call.started && call.name) {
      call.started = true;
      // As the LLM lib's ToolCallAssembler names a call sent without an id.
      const id = call.id ?? `call_${piece.index}`;
      news.push({ type: 'tool_call', index: piece.index, id, name: call.name });
    }
    if (call.started && call.held !== '') {
      news.push({ type: 'tool_arguments', index: piece.index, text: call.held });
      call.shown += call.held;
      call.held = '';
    }
    return news;
  }

  /** Forgets everything passed on (a new attempt starts the answer again). */
  reset(): void {
    this.calls.clear();
  }

  /**
   * What the finished calls add to what was passed on, or `undefined` when what was passed on
   * does not lead to them (another answer replaced it).
   */
  rest(toolCalls: readonly FeedToolCall[]): ToolCallNews[] | undefined {
    const started = [...this.calls.entries()]
      .filter(([, call]) => call.started)
      .sort(([a], [b]) => a - b);
    if (started.length > toolCalls.length) return undefined;
    let next = started.length > 0 ? started[started.length - 1][0] + 1 : 0;
    const news: ToolCallNews[] = [];
    for (const [k, call] of toolCalls.entries()) {
      const shown = started[k];
      if (!shown) {
        const index = next++;
        news.push({ type: 'tool_call', index, id: call.id, name: call.name });
        if (call.arguments !== '') {
          news.push({ type: 'tool_arguments', index, text: call.arguments });
        }
        continue;
      }
      const [index, state] = shown;
      if (state.name !== call.name || !call.arguments.startsWith(state.shown)) return undefined;
      const missing = call.arguments.slice(state.shown.length);
      if (missing !== '') news.push({ type: 'tool_arguments', index, text: missing });
    }
    return news;
  }
}
