import { closeSync, openSync, writeSync } from 'node:fs';

export interface LogSinkStats {
  lines: number;
  bytes: number;
}

/**
 * Sends process.stdout to /dev/null while `body` runs, counting what was written. The
 * platform's logs still pay for formatting, masking and one write(2) each, as they would
 * into a pipe; only the reader's side (terminal, log shipper) is left out.
 */
export async function withStdoutToDevNull<T>(
  body: () => Promise<T>,
): Promise<{ value: T; stats: LogSinkStats }> {
  const stats: LogSinkStats = { lines: 0, bytes: 0 };
  const fd = openSync('/dev/null', 'w');
  const own = Object.getOwnPropertyDescriptor(process.stdout, 'write');
  const sink = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    stats.bytes += writeSync(fd, text);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) stats.lines += 1;
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  Object.defineProperty(process.stdout, 'write', {
    value: sink,
    configurable: true,
    writable: true,
  });
  try {
    return { value: await body(), stats };
  } finally {
    if (own) Object.defineProperty(process.stdout, 'write', own);
    else Reflect.deleteProperty(process.stdout, 'write');
    closeSync(fd);
  }
}
