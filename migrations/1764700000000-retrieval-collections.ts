import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retrieval collections and their documents (expand only: new tables). Chunks live in the
 * vector store; PostgreSQL keeps the records, their ingestion status and the uploaded bytes
 * (in their own table, so listing documents never reads them). Re-uploading the same content
 * to a collection is a no-op: unique (collection_id, content_hash).
 */
export class RetrievalCollections1764700000000 implements MigrationInterface {
  name = 'RetrievalCollections1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retrieval_collections (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        description text,
        embedding_model varchar(200) NOT NULL,
        dimensions integer NOT NULL CHECK (dimensions > 0),
        embedding_tier smallint NOT NULL CHECK (embedding_tier BETWEEN 0 AND 3),
        privacy boolean NOT NULL DEFAULT false,
        chunking jsonb NOT NULL,
        store varchar(16) NOT NULL CHECK (store IN ('lancedb', 'qdrant')),
        store_collection_id varchar(128) NOT NULL UNIQUE,
        fields jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT retrieval_collections_tenant_name_key UNIQUE (tenant_id, name)
      )`);
    await q.query(
      `CREATE INDEX retrieval_collections_tenant_idx ON retrieval_collections (tenant_id, created_at DESC, id)`,
    );
    await q.query(`
      CREATE TABLE retrieval_documents (
        id uuid PRIMARY KEY,
        collection_id uuid NOT NULL REFERENCES retrieval_collections(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        source varchar(1000) NOT NULL,
        title text,
        doc_type varchar(16) NOT NULL,
        content_hash char(64) NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        status varchar(16) NOT NULL CHECK (status IN
          ('queued', 'parsing', 'chunking', 'embedding', 'indexing', 'ready', 'failed', 'cancelled')),
        error text,
        chunk_count integer NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
        job_id varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT retrieval_documents_collection_hash_key UNIQUE (collection_id, content_hash)
      )`);
    await q.query(
      `CREATE INDEX retrieval_documents_collection_idx ON retrieval_documents (collection_id, created_at DESC, id)`,
    );
    await q.query(
      `CREATE INDEX retrieval_documents_ready_idx ON retrieval_documents (collection_id) WHERE status = 'ready'`,
    );
    await q.query(`
      CREATE TABLE retrieval_document_contents (
        document_id uuid PRIMARY KEY REFERENCES retrieval_documents(id) ON DELETE CASCADE,
        filename varchar(1000),
        mime_type varchar(200),
        content bytea NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retrieval_document_contents`);
    await q.query(`DROP TABLE retrieval_documents`);
    await q.query(`DROP TABLE retrieval_collections`);
  }
}
