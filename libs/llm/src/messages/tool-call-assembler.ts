import type { ToolCall, ToolCallDelta } from './llm-message';

/**
 * Puts streamed tool calls together: providers send each call's id and name once, then its
 * arguments in pieces, interleaved by `index` when the model calls several tools at once.
 */
export class ToolCallAssembler {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  push(delta: ToolCallDelta): void {
    const call = this.calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    // A name comes whole (some servers repeat it on every piece).
    if (delta.name) call.name = delta.name;
    if (delta.arguments) call.arguments += delta.arguments;
    this.calls.set(delta.index, call);
  }

  get size(): number {
    return this.calls.size;
  }

  /** The calls in index order; one sent without an id gets a stable one. */
  toolCalls(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: call.arguments,
      }));
  }
}
