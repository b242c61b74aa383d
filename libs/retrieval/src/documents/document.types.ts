/** The document types the retrieval lib parses and chunks. */
export const DOCUMENT_TYPES = ['text', 'markdown', 'html', 'pdf', 'json', 'code'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** One page of a paged document (PDF), numbered from 1. */
export interface DocumentPage {
  page: number;
  text: string;
}

/** A run of text under one heading path (Markdown, HTML); lines are 1-based and inclusive. */
export interface DocumentSection {
  headingPath: string[];
  text: string;
  startLine?: number;
  endLine?: number;
}

/** A parsed document: its text plus the structure the chunkers use. */
export interface ParsedDocument {
  type: DocumentType;
  title?: string;
  text: string;
  /** The guessed programming language of a `code` document. */
  language?: string;
  pages?: DocumentPage[];
  sections?: DocumentSection[];
  /** The parsed value of a `json` document. */
  json?: unknown;
}

/** Where a chunk came from; which fields are set depends on the chunker and the document. */
export interface ChunkMetadata {
  page?: number;
  headingPath?: string[];
  startLine?: number;
  endLine?: number;
  jsonPath?: string;
  language?: string;
}

export interface Chunk {
  text: string;
  /** Position of the chunk in the document, from 0. */
  index: number;
  /** o200k tokens of `text`. */
  tokenCount: number;
  metadata: ChunkMetadata;
}

export interface Chunker {
  chunk(doc: ParsedDocument): Promise<Chunk[]>;
}

/** Embeds texts, one vector per text in order (the ingestion job passes the router's embedder). */
export type EmbedFn = (texts: string[]) => Promise<number[][]>;
