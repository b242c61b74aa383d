import { createHash } from 'node:crypto';
import type { ProviderFinishReason, ResponseFormat } from '../messages/llm-message';
import type { ProviderChatCall, ProviderStreamChunk } from '../providers/provider.types';
import { estimateTokens } from '../token-count';
import { sampleJson } from './simulated-json';
import { simulatedWords } from './simulated-text';
import { simulatedToolCalls } from './simulated-tools';

/** One streamed piece of the answer and the output tokens it stands for (for pacing). */
export interface SimulatedPiece {
  chunk: Exclude<ProviderStreamChunk, { type: 'done' }>;
  tokens: number;
}

/** The whole simulated answer to a call, decided before any of it is streamed. */
export interface SimulatedAnswer {
  pieces: SimulatedPiece[];
  finishReason: ProviderFinishReason;
  outputTokens: number;
}

/**
 * What the simulated model answers: tool calls (see `simulatedToolCalls`), else with a JSON
 * response format a JSON text (an object for `json_object`, an instance of the schema for
 * `json_schema`), else words. Output stops at `maxTokens` like a real model's (finish reason
 * `length`, the last tool call's arguments or the JSON cut short).
 */
export function simulatedAnswer(call: ProviderChatCall): SimulatedAnswer {
  const toolCalls = simulatedToolCalls(call);
  if (toolCalls.length > 0) return toolCallAnswer(toolCalls, call.maxTokens);
  const json = jsonText(call.messages, call.responseFormat);
  if (json !== undefined) return textAnswer(json, call.maxTokens);
  const { words, truncated } = simulatedWords(call.messages, call.maxTokens);
  return {
    // Each word (with its leading space) counts as one output token.
    pieces: words.map((word, i) => ({
      chunk: { type: 'delta', text: i === 0 ? word : ` ${word}` },
      tokens: 1,
    })),
    finishReason: truncated ? 'length' : 'stop',
    outputTokens: words.length,
  };
}

function toolCallAnswer(
  calls: { id: string; name: string; arguments: string }[],
  maxTokens: number,
): SimulatedAnswer {
  const pieces: SimulatedPiece[] = [];
  let left = maxTokens;
  let finishReason: ProviderFinishReason = 'tool_calls';
  for (const [index, call] of calls.entries()) {
    const nameTokens = estimateTokens(call.name);
    if (nameTokens > left) {
      finishReason = 'length';
      break;
    }
    left -= nameTokens;
    // Like a real provider: id and name first, then the arguments in pieces.
    pieces.push({
      chunk: { type: 'tool_call', index, id: call.id, name: call.name, arguments: '' },
      tokens: nameTokens,
    });
    const args = fitTokens(call.arguments, left);
    const argPieces: SimulatedPiece[] = splitPieces(args).map((text) => ({
      chunk: { type: 'tool_call', index, arguments: text },
      tokens: 0,
    }));
    const argTokens = estimateTokens(args);
    spread(argPieces, argTokens);
    pieces.push(...argPieces);
    left -= argTokens;
    if (args.length < call.arguments.length) {
      finishReason = 'length';
      break;
    }
  }
  return { pieces, finishReason, outputTokens: maxTokens - left };
}

function textAnswer(text: string, maxTokens: number): SimulatedAnswer {
  const kept = fitTokens(text, maxTokens);
  const pieces: SimulatedPiece[] = splitPieces(kept).map((piece) => ({
    chunk: { type: 'delta', text: piece },
    tokens: 0,
  }));
  const outputTokens = estimateTokens(kept);
  spread(pieces, outputTokens);
  return { pieces, finishReason: kept.length < text.length ? 'length' : 'stop', outputTokens };
}

/** The JSON answer a response format asks for, or undefined for plain text. */
function jsonText(
  messages: ProviderChatCall['messages'],
  format: ResponseFormat | undefined,
): string | undefined {
  if (!format || format.type === 'text') return undefined;
  const seed = createHash('sha256').update(JSON.stringify({ messages, format })).digest('hex');
  if (format.type === 'json_schema') return JSON.stringify(sampleJson(format.schema, seed));
  const { words } = simulatedWords(messages, Number.MAX_SAFE_INTEGER);
  return JSON.stringify({ simulated: true, answer: words.join(' ') });
}

/** The longest prefix of `text` (whole code points) whose token count is within `limit`. */
function fitTokens(text: string, limit: number): string {
  if (estimateTokens(text) <= limit) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(chars.slice(0, mid).join('')) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('');
}

/** Pieces of a few tokens each, as a provider streams them; joined they are the text. */
function splitPieces(text: string): string[] {
  const runs = text.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_]+/gu) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < runs.length; i += 3) pieces.push(runs.slice(i, i + 3).join(''));
  return pieces;
}

/** Shares `tokens` out over the pieces, so pacing follows the count. */
function spread(pieces: SimulatedPiece[], tokens: number): void {
  pieces.forEach((piece, i) => {
    const before = Math.floor((tokens * i) / pieces.length);
    piece.tokens = Math.floor((tokens * (i + 1)) / pieces.length) - before;
  });
}
