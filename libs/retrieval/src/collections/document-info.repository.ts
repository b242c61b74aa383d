import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DocumentInfo, DocumentInfoLookup } from '../search/document-info.lookup';
import { UUID_PATTERN, type Row } from './record-rows';

/** Source, title and type of a collection's documents, for search hits. */
@Injectable()
export class DocumentInfoRepository implements DocumentInfoLookup {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(
    collectionId: string,
    documentIds: readonly string[],
  ): Promise<Map<string, DocumentInfo>> {
    const ids = documentIds.filter((id) => UUID_PATTERN.test(id));
    if (ids.length === 0 || !UUID_PATTERN.test(collectionId)) return new Map();
    const rows: Row[] = await this.db.query(
      `SELECT id, source, title, doc_type FROM retrieval_documents
       WHERE collection_id = $1 AND id = ANY($2::uuid[])`,
      [collectionId, ids],
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          source: r.source as string,
          title: (r.title as string | null) ?? null,
          docType: r.doc_type as string,
        },
      ]),
    );
  }
}
