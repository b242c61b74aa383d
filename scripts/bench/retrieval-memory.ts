import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { processMemory } from './proc-memory';

/** One reading of this process's memory, in bytes, taken after a full garbage collection. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS ones, and array buffers (Arrow batches land here). */
  external: number;
}

let collect: (() => void) | undefined;

/** `gc()` without --expose-gc on the command line: the flag is set, then read from a fresh context. */
function fullGc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

export function readMemory(): MemoryReading {
  fullGc();
  const usage = process.memoryUsage();
  return {
    rss: processMemory('self').rss ?? usage.rss,
    heapUsed: usage.heapUsed,
    external: usage.external,
  };
}

/** Bytes of every file under `dir`. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
