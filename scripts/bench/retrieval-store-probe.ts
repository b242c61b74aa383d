import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StoreProbeReadings } from './retrieval-store-probe.main';

const run = promisify(execFile);

/**
 * Opens the leg's collection again in a fresh Node process and searches it there (every
 * query in each mode): the memory a process serving the collection pays, read in isolation.
 */
export async function probeStoreMemory(
  dataDir: string,
  collection: string,
  queries: readonly string[],
): Promise<StoreProbeReadings> {
  const queriesFile = join(dataDir, '..', 'probe-queries.json');
  writeFileSync(queriesFile, JSON.stringify(queries));
  const { stdout } = await run(
    process.execPath,
    [join(__dirname, 'retrieval-store-probe.main.js'), dataDir, collection, queriesFile],
    { timeout: 300_000, maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as StoreProbeReadings;
}
