import type { DocumentType } from './document.types';

/** Why a document could not be parsed; stable, so the ingestion job can record it. */
export type DocumentParseFailure =
  | 'empty'
  | 'binary'
  | 'invalid-utf8'
  | 'unsupported-encoding'
  | 'corrupt-pdf'
  | 'invalid-json'
  | 'no-text';

/** A document that cannot be turned into text; the ingestion job marks it failed and goes on. */
export class DocumentParseError extends Error {
  override readonly name = 'DocumentParseError';

  constructor(
    readonly reason: DocumentParseFailure,
    message: string,
    readonly type?: DocumentType,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
