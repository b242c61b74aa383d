import type { LlmUsage } from '@switchboard/llm';
import type { SearchResults } from './search.types';

export type SearchUsage = SearchResults['usage'];

export const noUsage = (): SearchUsage => ({ inputTokens: 0, outputTokens: 0, costMicros: 0 });

/** Adds one LLM call's usage to the search's total (in place). */
export function addUsage(
  total: SearchUsage,
  usage: Pick<LlmUsage, 'inputTokens' | 'outputTokens' | 'costMicros'>,
): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.costMicros += usage.costMicros;
}
