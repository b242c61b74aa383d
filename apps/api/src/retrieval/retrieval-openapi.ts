import { CHUNKING_STRATEGIES, DOCUMENT_STATUSES } from '@switchboard/retrieval';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const timestamp = { type: 'string', format: 'date-time' };
const FIELD_TYPES = ['keyword', 'number', 'datetime', 'boolean', 'tags'];

/** OpenAPI schemas of /v1/collections and their documents. */
export function retrievalSchemas(): Record<string, Record<string, unknown>> {
  return {
    Chunking: {
      type: 'object',
      properties: {
        strategy: { type: 'string', enum: [...CHUNKING_STRATEGIES], default: 'auto' },
        maxTokens: { type: 'integer', minimum: 32, maximum: 8192, default: 512 },
        overlapTokens: { type: 'integer', minimum: 0, maximum: 4096, default: 64 },
        threshold: { type: 'number', minimum: -1, maximum: 1, default: 0.7 },
      },
    },
    CreateCollection: {
      type: 'object',
      required: ['name', 'embeddingModel'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', maxLength: 100, description: 'unique within the tenant' },
        description: { type: 'string', maxLength: 2000 },
        embeddingModel: {
          type: 'string',
          description: 'catalogue key (provider/id) or id of an embeddings model',
        },
        chunking: ref('Chunking'),
        privacy: {
          type: 'boolean',
          default: false,
          description: 'embed only with local models (never reaches hosted providers)',
        },
        fields: {
          type: 'object',
          additionalProperties: { type: 'string', enum: FIELD_TYPES },
          description: 'filterable metadata fields beyond the built-in ones, and their types',
        },
      },
    },
    Collection: {
      type: 'object',
      required: ['id', 'name', 'embeddingModel', 'dimensions', 'privacy', 'store', 'links'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        name: { type: 'string' },
        description: nullable({ type: 'string' }),
        embeddingModel: { type: 'string' },
        dimensions: { type: 'integer' },
        embeddingTier: { type: 'integer', enum: [0, 1, 2, 3] },
        privacy: { type: 'boolean' },
        chunking: ref('Chunking'),
        store: { type: 'string', enum: ['lancedb', 'qdrant'] },
        fields: { type: 'object', additionalProperties: { type: 'string', enum: FIELD_TYPES } },
        documents: {
          type: 'object',
          additionalProperties: { type: 'integer' },
          description: 'document counts by status (GET one collection)',
        },
        createdAt: timestamp,
        updatedAt: timestamp,
        links: {
          type: 'object',
          properties: { self: { type: 'string' }, documents: { type: 'string' } },
        },
      },
    },
    CollectionList: {
      type: 'object',
      properties: { data: { type: 'array', items: ref('Collection') } },
    },
    UploadDocuments: {
      type: 'object',
      required: ['documents'],
      properties: {
        documents: {
          type: 'array',
          items: {
            type: 'object',
            required: ['source'],
            properties: {
              source: { type: 'string' },
              text: { type: 'string' },
              contentBase64: { type: 'string', format: 'byte' },
              type: { type: 'string', enum: ['text', 'markdown', 'html', 'pdf', 'json', 'code'] },
              metadata: {
                type: 'object',
                description:
                  'doc_type, source, created_at, updated_at, privacy_level, tags, and free-form keys ' +
                  "(typed by the collection's fields)",
              },
            },
          },
        },
      },
    },
    Document: {
      type: 'object',
      required: ['id', 'collectionId', 'source', 'docType', 'contentHash', 'status', 'links'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        collectionId: { type: 'string', format: 'uuid' },
        source: { type: 'string' },
        title: nullable({ type: 'string' }),
        docType: { type: 'string' },
        contentHash: { type: 'string', description: 'sha256 of the normalised content' },
        metadata: { type: 'object' },
        status: { type: 'string', enum: [...DOCUMENT_STATUSES] },
        error: nullable({ type: 'string' }),
        chunkCount: { type: 'integer' },
        jobId: nullable({ type: 'string' }),
        duplicate: { type: 'boolean', description: 'uploads: the content was already there' },
        createdAt: timestamp,
        updatedAt: timestamp,
        links: {
          type: 'object',
          properties: {
            self: { type: 'string' },
            cancel: { type: 'string' },
            retry: { type: 'string' },
          },
        },
      },
    },
    DocumentList: {
      type: 'object',
      properties: { data: { type: 'array', items: ref('Document') } },
    },
  };
}
