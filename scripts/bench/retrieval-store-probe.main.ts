// A fresh process that opens an existing LanceDB collection and searches it, for the
// retrieval leg's memory figure without the bench's own history (allocator arenas kept from
// the bulk load, the brute-force index, the platform context). Args: data dir, collection,
// a JSON file of queries. Prints one JSON line of readings (bytes) on stdout.
import { hashedEmbedding } from '@switchboard/llm';
import { LanceDbStore } from '@switchboard/retrieval';
import { readFileSync } from 'node:fs';
import { readMemory, type MemoryReading } from './retrieval-memory';

export interface StoreProbeReadings {
  baseline: MemoryReading;
  opened: MemoryReading;
  searched: MemoryReading;
  /** VmHWM: the highest RSS the process reached. */
  peakRss: number | undefined;
  searches: number;
}

async function main(): Promise<void> {
  const [dataDir, collection, queriesFile] = process.argv.slice(2);
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as string[];
  // Everything the searches need is loaded before the baseline: only the store's own memory counts.
  const vectors = queries.map((q) => hashedEmbedding(q, 256));
  const baseline = readMemory();
  const store = await LanceDbStore.connect({ dataDir });
  await store.search(collection, { mode: 'keyword', text: queries[0], k: 10 });
  const opened = readMemory();
  let searches = 0;
  for (const mode of ['keyword', 'dense', 'hybrid'] as const) {
    for (let i = 0; i < queries.length; i++) {
      await store.search(collection, {
        mode,
        k: 10,
        text: mode === 'dense' ? undefined : queries[i],
        vector: mode === 'keyword' ? undefined : vectors[i],
      });
      searches++;
    }
  }
  const searched = readMemory();
  await store.close();
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  const readings: StoreProbeReadings = {
    baseline,
    opened,
    searched,
    peakRss: hwm ? Number(hwm[1]) * 1024 : undefined,
    searches,
  };
  process.stdout.write(`${JSON.stringify(readings)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`store probe: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
