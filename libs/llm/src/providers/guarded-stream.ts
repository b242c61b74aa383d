import type { ProviderStreamChunk } from './provider.types';
import { toProviderError, type HeaderSource } from './sdk-error';

/**
 * Runs one provider stream so that every way out is clean:
 * - errors become ProviderErrors, or the call signal's reason when the call was aborted;
 * - a consumer that stops early (break, return, a throw in its loop body) aborts the HTTP
 *   request, so the connection is released instead of draining or hanging open.
 * `open` gets a signal that fires on either the call's abort or that early exit.
 */
export async function* guardedStream(
  provider: string,
  callSignal: AbortSignal,
  open: (signal: AbortSignal) => AsyncIterable<ProviderStreamChunk>,
  failedHeaders: () => HeaderSource = () => undefined,
): AsyncGenerator<ProviderStreamChunk> {
  const local = new AbortController();
  let finished = false;
  try {
    for await (const chunk of open(AbortSignal.any([callSignal, local.signal]))) {
      // After `done` the response is complete: a consumer that returns now has nothing to abort.
      if (chunk.type === 'done') finished = true;
      yield chunk;
    }
    finished = true;
  } catch (error) {
    throw toProviderError(error, provider, callSignal, failedHeaders());
  } finally {
    if (!finished) local.abort();
  }
}
