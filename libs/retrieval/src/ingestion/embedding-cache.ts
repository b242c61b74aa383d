import { Inject, Injectable, Logger } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { REDIS_CLIENT } from '@switchboard/redis';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * Chunk embeddings cached in Redis by model, dimensions and the sha256 of the chunk text, so
 * re-ingesting (a retry, the same passage in another document) does not pay twice. Vectors
 * are stored as float32 bytes. A Redis error is a miss, never a failed ingestion.
 */
@Injectable()
export class EmbeddingCache {
  private readonly logger = new Logger('EmbeddingCache');

  constructor(
    private readonly config: Config,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  private key(model: string, dimensions: number, text: string): string {
    const hash = createHash('sha256').update(text, 'utf8').digest('hex');
    return `${this.config.redis.prefix}:retrieval:emb:${model}:${dimensions}:${hash}`;
  }

  get enabled(): boolean {
    return this.config.retrieval.embedCacheTtlSeconds > 0;
  }

  /** One entry per text: the cached vector or undefined. */
  async getMany(
    model: string,
    dimensions: number,
    texts: readonly string[],
  ): Promise<(number[] | undefined)[]> {
    if (!this.enabled || texts.length === 0) return texts.map(() => undefined);
    try {
      // One GET per key: on Redis Cluster the keys live in different slots.
      const values = await Promise.all(
        texts.map((t) => this.redis.getBuffer(this.key(model, dimensions, t))),
      );
      return values.map((v) =>
        v && v.length === dimensions * 4
          ? Array.from(new Float32Array(v.buffer, v.byteOffset, dimensions))
          : undefined,
      );
    } catch (error) {
      this.logger.warn(`embedding cache read failed: ${(error as Error).message}`);
      return texts.map(() => undefined);
    }
  }

  async setMany(
    model: string,
    dimensions: number,
    entries: readonly { text: string; vector: number[] }[],
  ): Promise<void> {
    if (!this.enabled || entries.length === 0) return;
    const ttl = this.config.retrieval.embedCacheTtlSeconds;
    try {
      await Promise.all(
        entries.map(({ text, vector }) =>
          this.redis.set(
            this.key(model, dimensions, text),
            Buffer.from(new Float32Array(vector).buffer),
            'EX',
            ttl,
          ),
        ),
      );
    } catch (error) {
      this.logger.warn(`embedding cache write failed: ${(error as Error).message}`);
    }
  }
}
