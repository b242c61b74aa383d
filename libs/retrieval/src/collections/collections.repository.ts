import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CollectionLookup, CollectionRecord, DocumentRecord } from './collection.types';
import { COLLECTION_COLUMNS, UUID_PATTERN, toCollection, type Row } from './record-rows';

export type NewCollection = Omit<
  CollectionRecord,
  'id' | 'storeCollectionId' | 'createdAt' | 'updatedAt'
>;

/** The name is taken within the tenant (unique (tenant_id, name)). */
export class CollectionNameTakenError extends Error {
  constructor(readonly collectionName: string) {
    super(`A collection named "${collectionName}" already exists`);
    this.name = 'CollectionNameTakenError';
  }
}

/** The store-side name of a collection: tenant-scoped and safe for LanceDB and Qdrant. */
export function storeCollectionIdOf(tenantId: string, collectionId: string): string {
  return `t_${tenantId.replace(/-/g, '')}__${collectionId.replace(/-/g, '')}`;
}

/**
 * Collections in PostgreSQL (`retrieval_collections`). Every read is tenant-scoped: another
 * tenant's collection is indistinguishable from none. Also the `CollectionLookup` search uses.
 */
@Injectable()
export class CollectionsRepository implements CollectionLookup {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: NewCollection): Promise<CollectionRecord> {
    const id = randomUUID();
    try {
      const rows: Row[] = await this.db.query(
        `INSERT INTO retrieval_collections (id, tenant_id, name, description, embedding_model,
           dimensions, embedding_tier, privacy, chunking, store, store_collection_id, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING ${COLLECTION_COLUMNS}`,
        [
          id,
          input.tenantId,
          input.name,
          input.description,
          input.embeddingModel,
          input.dimensions,
          input.embeddingTier,
          input.privacy,
          JSON.stringify(input.chunking),
          input.store,
          storeCollectionIdOf(input.tenantId, id),
          JSON.stringify(input.fields),
        ],
      );
      return toCollection(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new CollectionNameTakenError(input.name);
      }
      throw error;
    }
  }

  async get(tenantId: string, collectionId: string): Promise<CollectionRecord | null> {
    if (!UUID_PATTERN.test(collectionId) || !UUID_PATTERN.test(tenantId)) return null;
    const rows: Row[] = await this.db.query(
      `SELECT ${COLLECTION_COLUMNS} FROM retrieval_collections WHERE id = $1 AND tenant_id = $2`,
      [collectionId, tenantId],
    );
    return rows[0] ? toCollection(rows[0]) : null;
  }

  async list(tenantId: string, limit = 100): Promise<CollectionRecord[]> {
    if (!UUID_PATTERN.test(tenantId)) return [];
    const rows: Row[] = await this.db.query(
      `SELECT ${COLLECTION_COLUMNS} FROM retrieval_collections WHERE tenant_id = $1
       ORDER BY created_at DESC, id LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map(toCollection);
  }

  /** Removes the collection and (cascade) its documents; true when there was one. */
  async delete(tenantId: string, collectionId: string): Promise<boolean> {
    if (!UUID_PATTERN.test(collectionId)) return false;
    const result: [Row[], number] = await this.db.query(
      `DELETE FROM retrieval_collections WHERE id = $1 AND tenant_id = $2`,
      [collectionId, tenantId],
    );
    return result[1] > 0;
  }

  async readyDocumentIds(collectionId: string): Promise<string[]> {
    const rows: Row[] = await this.db.query(
      `SELECT id FROM retrieval_documents WHERE collection_id = $1 AND status = 'ready'`,
      [collectionId],
    );
    return rows.map((r) => r.id as string);
  }

  /** Counts of the collection's documents by status (for the collection view). */
  async documentCounts(
    collectionId: string,
  ): Promise<Partial<Record<DocumentRecord['status'], number>>> {
    const rows: Row[] = await this.db.query(
      `SELECT status, count(*)::int AS n FROM retrieval_documents WHERE collection_id = $1 GROUP BY status`,
      [collectionId],
    );
    return Object.fromEntries(rows.map((r) => [r.status as string, Number(r.n)]));
  }
}
