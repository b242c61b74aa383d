import { estimateTokens } from '@switchboard/llm';
import type { JobEvent } from '@switchboard/streams';

/**
 * Turns a job's events into MCP progress notifications: status changes, the actor's progress,
 * output tokens streamed so far (estimated from the text), failovers, budget news, tool calls
 * and the end. `progress` counts the notifications, so it only goes up; the message says what
 * happened.
 */
export class JobProgress {
  private sent = 0;
  private tokens = 0;

  constructor(private readonly send: (progress: number, message: string) => Promise<void>) {}

  async onEvent(event: JobEvent): Promise<void> {
    const message = this.describe(event);
    if (message !== undefined) await this.send(++this.sent, message);
  }

  private describe(event: JobEvent): string | undefined {
    switch (event.type) {
      case 'status':
        return (
          `status ${event.status}` +
          (event.attempt ? ` (attempt ${event.attempt})` : '') +
          (event.reason ? `: ${event.reason}` : '')
        );
      case 'progress':
        return `progress ${typeof event.value === 'number' ? event.value : JSON.stringify(event.value)}`;
      case 'token':
        this.tokens += estimateTokens(event.text);
        return `tokens ${this.tokens}`;
      case 'provider':
        // A restart drops the text shown so far: the count starts again with it.
        if (event.event === 'restart') this.tokens = 0;
        return `provider ${event.event} from ${event.from} to ${event.to}: ${event.reason}`;
      case 'budget':
        return `budget ${event.event}`;
      case 'tool_call':
        return `tool call ${event.name} (${event.server})`;
      case 'tool_result':
        return `tool result ${event.name}: ${event.outcome}`;
      case 'result':
        return 'result ready';
      case 'error':
        return `error: ${event.error.message}`;
      case 'end':
        return `ended ${event.status}`;
      case 'tool_call_delta':
        return undefined;
    }
  }
}
