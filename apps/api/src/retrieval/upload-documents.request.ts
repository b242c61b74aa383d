import { DOCUMENT_TYPES } from '@switchboard/retrieval';
import { z } from 'zod';

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

/** POST /v1/collections/:id/documents with a JSON body. */
export const uploadDocumentsSchema = z.strictObject({
  documents: z
    .array(
      z
        .strictObject({
          source: z.string().min(1).max(1_000),
          text: z.string().optional(),
          contentBase64: z.string().regex(BASE64, 'not base64').optional(),
          type: z.enum(DOCUMENT_TYPES).optional(),
          metadata: z.record(z.string(), z.unknown()).optional(),
        })
        .refine((d) => (d.text === undefined) !== (d.contentBase64 === undefined), {
          message: 'give exactly one of text and contentBase64',
        }),
    )
    .min(1)
    .max(100),
});

/** Multipart: the optional `metadata` form field (one object for all files, or one per file). */
export const multipartMetadataSchema = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.record(z.string(), z.unknown())),
]);

export const multipartTypeSchema = z.enum(DOCUMENT_TYPES).optional();
