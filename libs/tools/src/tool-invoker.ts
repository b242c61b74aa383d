import type { ToolOutcome } from './tools-client';
import type { ToolCallContext, ToolDefinition } from './tool.types';

/** What one call gave the model (JSON, so a side-effecting call's can be journaled). */
export interface CallOutcome {
  outcome: ToolOutcome;
  content: string;
  isError: boolean;
  errorClass?: string;
  data?: unknown;
}

class ToolTimeoutError extends Error {
  constructor(ms: number) {
    super(`the tool did not finish within ${ms} ms`);
    this.name = 'ToolTimeoutError';
  }
}

export function failure(outcome: ToolOutcome, errorClass: string, content: string): CallOutcome {
  return { outcome, content, isError: true, errorClass };
}

/**
 * Runs one checked call with the tool's timeout and output bound. Never throws for the
 * tool's sake (errors, timeouts, oversized output become outcomes the model is told); throws
 * only the job's own abort reason, which must end the run.
 */
export async function invokeTool(
  tool: ToolDefinition,
  args: unknown,
  ctx: Omit<ToolCallContext, 'signal'>,
  jobSignal: AbortSignal,
): Promise<CallOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new ToolTimeoutError(tool.timeoutMs)),
    tool.timeoutMs,
  );
  const signal = AbortSignal.any([jobSignal, timeout.signal]);
  // A tool that ignores its signal must not hold the run: the race ends the wait regardless.
  let stopWaiting: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stopWaiting = () => signal.removeEventListener('abort', onAbort);
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    if (signal.aborted) throw signal.reason as Error;
    const running = Promise.resolve().then(() => tool.invoke(args, { ...ctx, signal }));
    const output = await Promise.race([running, aborted]);
    const bytes = Buffer.byteLength(output.content);
    if (bytes > tool.maxOutputBytes) {
      return failure(
        'too_large',
        'output_too_large',
        `The tool's output was ${bytes} bytes, over its limit of ${tool.maxOutputBytes}; ` +
          'nothing was returned. Ask for less (a narrower query or a smaller range).',
      );
    }
    if (output.isError) {
      return { outcome: 'error', content: output.content, isError: true, errorClass: 'tool_error' };
    }
    return {
      outcome: 'ok',
      content: output.content,
      isError: false,
      ...(output.data !== undefined ? { data: output.data } : {}),
    };
  } catch (error) {
    if (jobSignal.aborted) throw jobSignal.reason;
    if (timeout.signal.aborted) {
      return failure(
        'timeout',
        'timeout',
        `The tool did not finish within ${tool.timeoutMs} ms and was stopped.`,
      );
    }
    const err = error instanceof Error ? error : new Error(String(error));
    return failure('error', err.name || 'Error', `The tool failed: ${err.message}`);
  } finally {
    clearTimeout(timer);
    stopWaiting?.();
  }
}
