import { resolve } from 'node:path';
import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const retrievalSchema = z.object({
  RETRIEVAL_DATA_DIR: z.string().min(1).optional(),
  QDRANT_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  QDRANT_API_KEY: z.string().min(1).optional(),
  RETRIEVAL_MAX_UPLOAD_BYTES: intFromEnv(1_024, 1_000_000_000).default(20 * 1024 * 1024),
  RETRIEVAL_EMBED_BATCH: intFromEnv(1, 2_048).default(64),
  RETRIEVAL_EMBED_CACHE_TTL_SECONDS: intFromEnv(0, 31_536_000).default(7 * 86_400),
  RETRIEVAL_INGEST_CONCURRENCY: intFromEnv(1, 256).default(4),
  RETRIEVAL_INGEST_ATTEMPTS: intFromEnv(1, 50).default(6),
  RETRIEVAL_INGEST_BACKOFF_MS: intFromEnv(10, 600_000).default(2_000),
});

export interface RetrievalConfig {
  /** LanceDB's directory (default `<data dir>/lancedb`); unused when `qdrantUrl` is set. */
  dataDir: string;
  /** Set: collections live in Qdrant instead of the embedded LanceDB. */
  qdrantUrl?: string;
  qdrantApiKey?: string;
  /** Largest upload (one request, all files together) in bytes: larger is a 413. */
  maxUploadBytes: number;
  /** Texts per embeddings call. */
  embedBatch: number;
  /** How long a chunk's embedding stays cached in Redis (by model and text hash); 0: no cache. */
  embedCacheTtlSeconds: number;
  /** Ingestion jobs one worker process runs at once. */
  ingestConcurrency: number;
  /** Attempts of an ingestion job when the store or the router fails retryably. */
  ingestAttempts: number;
  /** First retry delay (exponential backoff from there). */
  ingestBackoffMs: number;
}

export function retrievalConfig(env: Env): RetrievalConfig {
  const v = retrievalSchema.parse(env);
  const dataDir = env.SWITCHBOARD_DATA_DIR || '.data';
  return {
    dataDir: resolve(v.RETRIEVAL_DATA_DIR ?? `${dataDir}/lancedb`),
    qdrantUrl: v.QDRANT_URL,
    qdrantApiKey: v.QDRANT_API_KEY,
    maxUploadBytes: v.RETRIEVAL_MAX_UPLOAD_BYTES,
    embedBatch: v.RETRIEVAL_EMBED_BATCH,
    embedCacheTtlSeconds: v.RETRIEVAL_EMBED_CACHE_TTL_SECONDS,
    ingestConcurrency: v.RETRIEVAL_INGEST_CONCURRENCY,
    ingestAttempts: v.RETRIEVAL_INGEST_ATTEMPTS,
    ingestBackoffMs: v.RETRIEVAL_INGEST_BACKOFF_MS,
  };
}
