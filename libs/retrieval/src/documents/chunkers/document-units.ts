import type { ChunkMetadata, ParsedDocument } from '../document.types';

/** A span of a document chunked on its own, with the metadata its chunks inherit. */
export interface DocumentUnit {
  text: string;
  metadata: ChunkMetadata;
}

/** A document's pages when it has them (so no chunk spans two pages), else its whole text. */
export function documentUnits(doc: ParsedDocument): DocumentUnit[] {
  if (doc.pages?.length) {
    return doc.pages.map((p) => ({ text: p.text, metadata: { page: p.page } }));
  }
  return [{ text: doc.text, metadata: doc.language ? { language: doc.language } : {} }];
}
