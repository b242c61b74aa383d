/** A passage a search in this run returned: what a citation may point at. */
export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  source: string;
  text: string;
}

export interface Citation {
  chunkId: string;
  documentId: string;
  source: string;
  quote?: string;
}

/** A tool call of the run, as the loop recorded it (structurally: ToolCallRecord). */
interface ToolCallSeen {
  name: string;
  outcome: string;
  data?: unknown;
}

const SEARCH_TOOL = 'search_collection';

/** The chunks the run's successful `search_collection` calls returned, by chunk id. */
export function retrievedChunks(calls: readonly ToolCallSeen[]): Map<string, RetrievedChunk> {
  const chunks = new Map<string, RetrievedChunk>();
  for (const call of calls) {
    if (call.name !== SEARCH_TOOL || call.outcome !== 'ok') continue;
    const hits = (call.data as { hits?: unknown } | undefined)?.hits;
    if (!Array.isArray(hits)) continue;
    for (const hit of hits as Partial<RetrievedChunk>[]) {
      if (typeof hit?.chunkId !== 'string' || typeof hit.documentId !== 'string') continue;
      chunks.set(hit.chunkId, {
        chunkId: hit.chunkId,
        documentId: hit.documentId,
        source: typeof hit.source === 'string' ? hit.source : '',
        text: typeof hit.text === 'string' ? hit.text : '',
      });
    }
  }
  return chunks;
}

/** What the model answered: JSON `{answer, citations}`, or plain text citing `[chunk-id]`. */
export interface DraftAnswer {
  answer: string;
  citations: { chunkId: unknown; quote?: unknown }[];
}

export function parseDraftAnswer(text: string, known: ReadonlyMap<string, unknown>): DraftAnswer {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  try {
    const parsed = JSON.parse(fenced ? fenced[1] : text) as {
      answer?: unknown;
      citations?: unknown;
    };
    if (parsed && typeof parsed.answer === 'string') {
      const citations = Array.isArray(parsed.citations)
        ? (parsed.citations as unknown[]).map((c) =>
            typeof c === 'string' ? { chunkId: c } : (c as DraftAnswer['citations'][number]),
          )
        : [];
      return {
        answer: parsed.answer,
        citations: citations.filter((c) => c && typeof c === 'object'),
      };
    }
  } catch {
    // not JSON: the text is the answer; its [chunk-id] mentions are its citations
  }
  const mentioned = [...text.matchAll(/\[([^\][\n]{1,300})\]/g)]
    .map((m) => m[1].trim())
    .filter((id) => known.has(id));
  return { answer: text, citations: mentioned.map((chunkId) => ({ chunkId })) };
}

/**
 * Keeps the citations that point at a chunk a search of this run returned (others are
 * dropped: the model cannot cite what it did not retrieve), once each, with the document and
 * source taken from the search, not from the model. A quote is kept only when the chunk's
 * text contains it.
 */
export function validateCitations(
  draft: readonly { chunkId: unknown; quote?: unknown }[],
  retrieved: ReadonlyMap<string, RetrievedChunk>,
): Citation[] {
  const out: Citation[] = [];
  const seen = new Set<string>();
  for (const c of draft) {
    if (typeof c.chunkId !== 'string') continue;
    const chunk = retrieved.get(c.chunkId);
    if (!chunk || seen.has(chunk.chunkId)) continue;
    seen.add(chunk.chunkId);
    const citation: Citation = {
      chunkId: chunk.chunkId,
      documentId: chunk.documentId,
      source: chunk.source,
    };
    const quote = typeof c.quote === 'string' ? c.quote.trim() : '';
    if (quote !== '' && normalise(chunk.text).includes(normalise(quote))) citation.quote = quote;
    out.push(citation);
  }
  return out;
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
