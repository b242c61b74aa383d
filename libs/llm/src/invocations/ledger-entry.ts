import type { InvocationRow } from '@switchboard/persistence';

/** One entry of the ledger stream as ioredis returns it: id, then field/value pairs. */
export type StreamEntry = [id: string, fields: string[]];

/**
 * The invocation row an entry carries. `r` is the row as its call wrote it; an entry written
 * when a reservation expired also has `lost` = "µ$ charged,input bound,max tokens,expired at
 * ms": the call is logged at the worst case it was charged.
 */
export function entryRow(fields: readonly string[]): InvocationRow {
  const field = (name: string) => {
    for (let i = 0; i < fields.length - 1; i += 2) if (fields[i] === name) return fields[i + 1];
    return undefined;
  };
  const json = field('r');
  if (json === undefined) throw new Error('no row');
  const row = JSON.parse(json) as InvocationRow & { startedAt: string };
  const startedAt = new Date(row.startedAt);
  const lost = field('lost');
  if (lost === undefined) return { ...row, startedAt };
  const [costMicros, inputTokens, outputTokens, endedMs] = lost.split(',').map(Number);
  return {
    ...row,
    startedAt,
    outcome: 'lost',
    inputTokens,
    outputTokens,
    cachedInputTokens: 0,
    costMicros,
    latencyMs: Math.max(0, endedMs - startedAt.getTime()),
    ttftMs: null,
  };
}

/** The rows of a batch of entries; an entry that is not a row is reported and skipped. */
export function parseEntries(
  entries: readonly StreamEntry[],
  skipped: (id: string, why: string) => void,
): InvocationRow[] {
  const rows: InvocationRow[] = [];
  for (const [id, fields] of entries) {
    try {
      rows.push(entryRow(fields));
    } catch (error) {
      skipped(id, (error as Error).message);
    }
  }
  return rows;
}
