import type { UploadItem } from './documents.service';
import { invalidInput, parseBody } from './retrieval-problems';
import {
  multipartMetadataSchema,
  multipartTypeSchema,
  uploadDocumentsSchema,
} from './upload-documents.request';

/** What multer hands over per file (memory storage). */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

interface Multipart {
  files: UploadedFile[];
  fields: unknown;
}

function isMultipart(input: unknown): input is Multipart {
  return typeof input === 'object' && input !== null && Array.isArray((input as Multipart).files);
}

/** The upload's documents, from a multipart form or a JSON body. */
export function uploadItems(input: unknown): UploadItem[] {
  return isMultipart(input) ? fromMultipart(input) : fromJson(input);
}

function fromJson(body: unknown): UploadItem[] {
  const { documents } = parseBody(uploadDocumentsSchema, body);
  return documents.map((d) => ({
    source: d.source,
    content:
      d.text !== undefined ? Buffer.from(d.text, 'utf8') : Buffer.from(d.contentBase64!, 'base64'),
    filename: d.source,
    mimeType: null,
    type: d.type,
    metadata: d.metadata,
  }));
}

function fromMultipart({ files, fields }: Multipart): UploadItem[] {
  const form = (fields ?? {}) as Record<string, unknown>;
  let metadata: unknown;
  if (typeof form.metadata === 'string' && form.metadata.trim() !== '') {
    try {
      metadata = JSON.parse(form.metadata);
    } catch {
      throw invalidInput([{ field: 'metadata', message: 'not valid JSON' }]);
    }
    const parsed = multipartMetadataSchema.safeParse(metadata);
    if (!parsed.success) {
      throw invalidInput([
        { field: 'metadata', message: 'a JSON object, or an array of one object per file' },
      ]);
    }
    if (Array.isArray(metadata) && metadata.length !== files.length) {
      throw invalidInput([
        {
          field: 'metadata',
          message: `${metadata.length} metadata objects for ${files.length} files`,
        },
      ]);
    }
  }
  const type = multipartTypeSchema.safeParse(form.type === '' ? undefined : form.type);
  if (!type.success) throw invalidInput([{ field: 'type', message: 'not a document type' }]);
  return files.map((file, index) => ({
    source: file.originalname || `${file.fieldname}-${index}`,
    content: file.buffer,
    filename: file.originalname || null,
    mimeType: file.mimetype || null,
    type: type.data,
    metadata: Array.isArray(metadata) ? (metadata[index] as unknown) : metadata,
  }));
}
