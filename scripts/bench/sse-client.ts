// A copy of tests/support/sse-client.ts: the build compiles only tests/support/fake-providers.
/** One server-sent event as a client sees it (`id` absent when the server sent none). */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** An open SSE response read with fetch: events in order, comments (heartbeats) on the side. */
export interface SseConnection {
  status: number;
  headers: Headers;
  /** The body, for a response that is not an event stream (a problem, a 204). */
  body: string;
  comments: string[];
  /** The next event, or undefined once the server ended the response (or close() was called). */
  next(): Promise<SseEvent | undefined>;
  close(): void;
}

/** Opens `url` as an event stream with the given headers (Authorization, Last-Event-ID…). */
export async function openSse(
  url: string,
  headers: Record<string, string>,
): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream');
  const body = isStream || !response.body ? '' : await response.text();
  const comments: string[] = [];
  const queue: SseEvent[] = [];
  let ended = !isStream || !response.body;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  if (!ended) {
    void (async () => {
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = parseBlock(block, comments);
            if (event) queue.push(event);
          }
          notify();
        }
      } catch {
        // Aborted by close(), or the connection dropped: either way, the stream is over.
      } finally {
        ended = true;
        notify();
      }
    })();
  }

  return {
    status: response.status,
    headers: response.headers,
    body,
    comments,
    async next() {
      while (queue.length === 0 && !ended) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return queue.shift();
    },
    close: () => abort.abort(),
  };
}

function parseBlock(block: string, comments: string[]): SseEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  let any = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else continue;
    any = any || field === 'data';
  }
  return any ? { id, event, data: data.join('\n') } : undefined;
}
