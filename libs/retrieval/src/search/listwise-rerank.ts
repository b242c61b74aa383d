import type { JsonSchema, LlmClient, LlmUsage } from '@switchboard/llm';

/** Passages shown to the model are cut to this many characters each. */
const PASSAGE_CHARS = 1_200;

export interface ListwisePassage {
  chunkId: string;
  text: string;
}

/** The answer's shape: passage labels (`p1`, `p2`, ...), most relevant first. */
export const LISTWISE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ranking: {
      type: 'array',
      items: { type: 'string' },
      description: 'Passage ids, most relevant first',
    },
  },
  required: ['ranking'],
  additionalProperties: false,
};

export const passageLabel = (index: number): string => `p${index + 1}`;

export function listwisePrompt(query: string, passages: readonly ListwisePassage[]): string {
  const listed = passages
    .map((p, i) => `[${passageLabel(i)}] ${p.text.slice(0, PASSAGE_CHARS).replace(/\s+/g, ' ')}`)
    .join('\n');
  return (
    `Rank the passages by how well they answer the query, most relevant first.\n` +
    `Answer with JSON {"ranking": [ids]} listing the passage ids (such as "p1").\n\n` +
    `Query: ${query}\n\nPassages:\n${listed}`
  );
}

/**
 * Reads the model's ranking: the passage order it gives, unknown and repeated ids dropped,
 * the passages it left out appended in their given order. Null when the answer is unusable
 * (not JSON, no `ranking` list, or no known id at all): the caller keeps its own order.
 */
export function parseListwiseRanking(text: string, count: number): number[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFence(text));
  } catch {
    return null;
  }
  const ranking = (parsed as { ranking?: unknown } | null)?.ranking;
  if (!Array.isArray(ranking)) return null;
  const order: number[] = [];
  for (const id of ranking) {
    const index = labelIndex(id, count);
    if (index !== null && !order.includes(index)) order.push(index);
  }
  if (order.length === 0) return null;
  for (let i = 0; i < count; i++) if (!order.includes(i)) order.push(i);
  return order;
}

function labelIndex(id: unknown, count: number): number | null {
  const match = typeof id === 'string' ? /^\s*\[?p(\d+)\]?\s*$/i.exec(id) : null;
  const n = match ? Number(match[1]) : typeof id === 'number' ? id : NaN;
  return Number.isInteger(n) && n >= 1 && n <= count ? n - 1 : null;
}

function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return fenced ? fenced[1] : text;
}

export interface ListwiseOutcome {
  /** Indexes into the passages, best first; null when the model's answer was unusable. */
  order: number[] | null;
  usage: LlmUsage;
  /** Why the order is null. */
  reason?: string;
}

/** One chat call asking the model for the passages' order (JSON schema answer). */
export async function listwiseRerank(
  llm: LlmClient,
  query: string,
  passages: readonly ListwisePassage[],
): Promise<ListwiseOutcome> {
  const response = await llm.chat({
    messages: [
      { role: 'system', content: 'You rank search results by relevance. Answer only with JSON.' },
      { role: 'user', content: listwisePrompt(query, passages) },
    ],
    responseFormat: { type: 'json_schema', name: 'ranking', schema: LISTWISE_SCHEMA },
    temperature: 0,
  });
  const order = parseListwiseRanking(response.text, passages.length);
  return {
    order,
    usage: response.usage,
    reason: order ? undefined : 'the model did not answer with a usable ranking',
  };
}
