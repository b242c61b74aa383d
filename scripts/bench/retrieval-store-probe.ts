import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StoreProbeReadings } from './retrieval-store-probe.main';

const run = promisify(execFile);

/**
 * Opens the leg's collection again in a fresh Node process and searches it there (every
 * query in each mode): the memory a process serving the collection pays, read in isolation.
 * `mallocArenaMax` caps glibc's per-thread malloc arenas (LanceDB searches on a thread pool).
 */
export async function probeStoreMemory(
  dataDir: string,
  collection: string,
  queries: readonly string[],
  mallocArenaMax?: number,
): Promise<StoreProbeReadings> {
  const queriesFile = join(dataDir, '..', 'probe-queries.json');
  writeFileSync(queriesFile, JSON.stringify(queries));
  const { stdout } = await run(
    process.execPath,
    [join(__dirname, 'retrieval-store-probe.main.js'), dataDir, collection, queriesFile],
    {
      timeout: 300_000,
      maxBuffer: 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        ...(mallocArenaMax ? { MALLOC_ARENA_MAX: String(mallocArenaMax) } : {}),
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as StoreProbeReadings;
}
