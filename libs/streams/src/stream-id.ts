/** A Redis Stream entry id, `<ms>-<seq>`; `0` (or `0-0`) means "before the first entry". */
const ENTRY_ID = /^(\d{1,15})(?:-(\d{1,19}))?$/;

/** The start of every stream, in the form this lib uses for cursors. */
export const STREAM_START = '0-0';

/**
 * Parses a client-supplied id (SSE `Last-Event-ID`, `?from=`): `<ms>-<seq>` or a bare `<ms>`
 * (= `<ms>-0`), normalised; undefined when malformed. Bounded sizes keep it in Redis's range.
 */
export function parseStreamId(raw: string): string | undefined {
  const m = ENTRY_ID.exec(raw.trim());
  if (!m) return undefined;
  const ms = BigInt(m[1]);
  const seq = BigInt(m[2] ?? '0');
  if (seq > 18_446_744_073_709_551_615n) return undefined;
  return `${ms}-${seq}`;
}

export function isStreamId(raw: string): boolean {
  return parseStreamId(raw) !== undefined;
}

/** Orders two well-formed entry ids: negative, zero or positive like a comparator. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** The Redis key of a job's event stream. The prefix may carry a `{hash tag}`. */
export function jobEventsKey(prefix: string, jobId: string): string {
  return `${prefix}:job-events:${jobId}`;
}
