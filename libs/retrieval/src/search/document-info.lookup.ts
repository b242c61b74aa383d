/** What a search hit says about the document its chunk came from. */
export interface DocumentInfo {
  source: string;
  title: string | null;
  docType: string;
}

/**
 * Where search finds its hits' documents (the collections repository implements it). Ids it
 * does not know are left out of the map; search then falls back on the chunk's metadata.
 */
export interface DocumentInfoLookup {
  get(collectionId: string, documentIds: readonly string[]): Promise<Map<string, DocumentInfo>>;
}
