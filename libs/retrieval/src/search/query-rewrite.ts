import type { JsonSchema, LlmClient, LlmUsage } from '@switchboard/llm';

export const MAX_REWRITES = 5;

const REWRITE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { queries: { type: 'array', items: { type: 'string' } } },
  required: ['queries'],
  additionalProperties: false,
};

/**
 * Reads the variants from the model's answer: distinct, non-empty, not the original, at most
 * `count`. An unusable answer gives none (the search runs with the original alone).
 */
export function parseRewrites(text: string, original: string, count: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const queries = (parsed as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(queries)) return [];
  const seen = new Set([normalise(original)]);
  const out: string[] = [];
  for (const q of queries) {
    if (typeof q !== 'string') continue;
    const text = q.trim().slice(0, 1_000);
    const key = normalise(text);
    if (text === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
    if (out.length >= count) break;
  }
  return out;
}

const normalise = (q: string) => q.trim().toLowerCase().replace(/\s+/g, ' ');

/** One chat call writing `count` rephrasings of the query (JSON schema answer). */
export async function rewriteQuery(
  llm: LlmClient,
  query: string,
  count: number,
): Promise<{ queries: string[]; usage: LlmUsage }> {
  const response = await llm.chat({
    messages: [
      {
        role: 'system',
        content: 'You rewrite search queries. Answer only with JSON {"queries": [...]}.',
      },
      {
        role: 'user',
        content:
          `Write ${count} different search queries that find passages answering this one ` +
          `(other words, synonyms, the likely terms of the documents).\n\nQuery: ${query}`,
      },
    ],
    responseFormat: { type: 'json_schema', name: 'rewrites', schema: REWRITE_SCHEMA },
  });
  return { queries: parseRewrites(response.text, query, count), usage: response.usage };
}
