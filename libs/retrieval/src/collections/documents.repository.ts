import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DocumentRecord, DocumentStatus } from './collection.types';
import { DOCUMENT_COLUMNS, UUID_PATTERN, toDocument, type Row } from './record-rows';

export interface NewDocument {
  collectionId: string;
  tenantId: string;
  source: string;
  title: string | null;
  docType: string;
  contentHash: string;
  metadata: Record<string, unknown>;
  content: Uint8Array;
  filename: string | null;
  mimeType: string | null;
}

export interface DocumentContent {
  content: Buffer;
  filename: string | null;
  mimeType: string | null;
}

/** Statuses a document is still being worked on in (cancel stops them). */
export const ACTIVE_STATUSES: readonly DocumentStatus[] = [
  'queued',
  'parsing',
  'chunking',
  'embedding',
  'indexing',
];

/** Documents and their uploaded bytes (`retrieval_documents`, `retrieval_document_contents`). */
@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts a `queued` document, or finds the one with the same content in the collection
   * (`created: false`): re-uploading is a no-op.
   */
  async insert(input: NewDocument): Promise<{ document: DocumentRecord; created: boolean }> {
    return this.db.transaction(async (m) => {
      const rows: Row[] = await m.query(
        `INSERT INTO retrieval_documents (id, collection_id, tenant_id, source, title, doc_type,
           content_hash, metadata, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued')
         ON CONFLICT (collection_id, content_hash) DO NOTHING
         RETURNING ${DOCUMENT_COLUMNS}`,
        [
          randomUUID(),
          input.collectionId,
          input.tenantId,
          input.source,
          input.title,
          input.docType,
          input.contentHash,
          JSON.stringify(input.metadata),
        ],
      );
      if (rows[0]) {
        await m.query(
          `INSERT INTO retrieval_document_contents (document_id, filename, mime_type, content)
           VALUES ($1, $2, $3, $4)`,
          [rows[0].id, input.filename, input.mimeType, Buffer.from(input.content)],
        );
        return { document: toDocument(rows[0]), created: true };
      }
      const existing: Row[] = await m.query(
        `SELECT ${DOCUMENT_COLUMNS} FROM retrieval_documents
         WHERE collection_id = $1 AND content_hash = $2`,
        [input.collectionId, input.contentHash],
      );
      return { document: toDocument(existing[0]), created: false };
    });
  }

  async get(collectionId: string, documentId: string): Promise<DocumentRecord | null> {
    if (!UUID_PATTERN.test(documentId) || !UUID_PATTERN.test(collectionId)) return null;
    const rows: Row[] = await this.db.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM retrieval_documents WHERE id = $1 AND collection_id = $2`,
      [documentId, collectionId],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async byId(documentId: string): Promise<DocumentRecord | null> {
    if (!UUID_PATTERN.test(documentId)) return null;
    const rows: Row[] = await this.db.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM retrieval_documents WHERE id = $1`,
      [documentId],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  async list(
    collectionId: string,
    filter: { status?: DocumentStatus; limit?: number } = {},
  ): Promise<DocumentRecord[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM retrieval_documents
       WHERE collection_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, id LIMIT $3`,
      [collectionId, filter.status ?? null, filter.limit ?? 100],
    );
    return rows.map(toDocument);
  }

  async content(documentId: string): Promise<DocumentContent | null> {
    const rows: Row[] = await this.db.query(
      `SELECT filename, mime_type, content FROM retrieval_document_contents WHERE document_id = $1`,
      [documentId],
    );
    if (!rows[0]) return null;
    return {
      content: rows[0].content as Buffer,
      filename: (rows[0].filename as string | null) ?? null,
      mimeType: (rows[0].mime_type as string | null) ?? null,
    };
  }

  /**
   * Moves a document to `status` only while it is in one of `from` (so a cancel is never
   * overwritten by the job); true when it moved.
   */
  async transition(
    documentId: string,
    from: readonly DocumentStatus[],
    status: DocumentStatus,
    changes: { error?: string | null; chunkCount?: number; jobId?: string; title?: string } = {},
  ): Promise<boolean> {
    const result: [Row[], number] = await this.db.query(
      `UPDATE retrieval_documents SET status = $3, updated_at = now(),
         error = CASE WHEN $4::boolean THEN $5 ELSE error END,
         chunk_count = COALESCE($6, chunk_count),
         job_id = COALESCE($7, job_id),
         title = COALESCE($8, title)
       WHERE id = $1 AND status = ANY($2::text[])`,
      [
        documentId,
        from,
        status,
        changes.error !== undefined,
        changes.error ?? null,
        changes.chunkCount ?? null,
        changes.jobId ?? null,
        changes.title ?? null,
      ],
    );
    return result[1] > 0;
  }

  async status(documentId: string): Promise<DocumentStatus | null> {
    const rows: Row[] = await this.db.query(
      `SELECT status FROM retrieval_documents WHERE id = $1`,
      [documentId],
    );
    return rows[0] ? (rows[0].status as DocumentStatus) : null;
  }

  async delete(collectionId: string, documentId: string): Promise<boolean> {
    if (!UUID_PATTERN.test(documentId)) return false;
    const result: [Row[], number] = await this.db.query(
      `DELETE FROM retrieval_documents WHERE id = $1 AND collection_id = $2`,
      [documentId, collectionId],
    );
    return result[1] > 0;
  }
}
