/**
 * Fake LLM provider servers: real HTTP servers on 127.0.0.1 that speak the OpenAI, Anthropic
 * and Ollama wire protocols, so the official SDKs (and worker processes, over TCP) use them
 * unchanged. They are the only fakes in this project's tests, and their counters are the
 * ground truth for cost checks.
 *
 * ```ts
 * const fake = await startFakeProvider('openai');
 * const client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
 * fake.script({ type: 'rate-limit', retryAfterMs: 50 }, { type: 'ok', cachedInputTokens: 2 });
 * fake.setDefault({ type: 'status', status: 503 }); // down, health endpoints included
 * fake.script({ type: 'ok', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
 * fake.script({ type: 'ok', json: { answer: 42 } }); // text '{"answer":42}'
 * // Per request, before the script: e.g. answer in text once a tool result came back.
 * fake.respond((req) => (JSON.stringify(req.body).includes('tool_call_id') ? { type: 'ok' } : undefined));
 * await fake.close();
 * ```
 *
 * Endpoints (anything else is a 404 in the provider's error shape):
 * - openai: `POST /v1/chat/completions` (JSON, or SSE with `stream: true`; usage chunk only
 *   with `stream_options.include_usage`), `POST /v1/embeddings` (float arrays, or float32
 *   base64 when asked, as the SDK does by default), `GET /v1/models`;
 * - anthropic: `POST /v1/messages` (JSON, or its SSE event sequence), `GET /v1/models`;
 * - ollama: `POST /api/chat` (NDJSON unless `stream: false`), `POST /api/embed`,
 *   `GET /api/tags`, `GET /api/version`, `GET /`.
 *
 * Token rules (deterministic):
 * - input tokens = whitespace-separated words over every message text (string contents and
 *   `text` parts; Anthropic's `system` and OpenAI/Ollama system messages included; tool
 *   results), plus for tool definitions their name, description and the words of their
 *   parameter schema's JSON with `{ } [ ] : , "` read as spaces (`structuredText`), plus for
 *   tool calls sent back their name and the words of their arguments the same way, plus 85
 *   per image (image_url parts, image blocks, Ollama `images`), at least 1; response-format
 *   schemas are not counted; for embeddings, words over all inputs, at least 1 per request;
 * - an answer is `tok1 tok2 … tokN` with N = `tokensPerResponse` (default 8), or the words of
 *   an ok behaviour's `text` joined by single spaces; streamed as one token per delta, the
 *   first bare and the next ones with a leading space, so the deltas concatenate to the
 *   non-stream text;
 * - an ok behaviour's `toolCalls` follow the text (no text by default then), finish reason
 *   `tool_calls` (Anthropic `tool_use`; Ollama says `stop`); each call costs 1 + the words of
 *   its arguments' `structuredText` output tokens (`toolCallTokens`), counted in usage.
 *   Streamed: OpenAI sends each call's id and name, then its arguments in 3 pieces, the calls'
 *   pieces interleaved; Anthropic a tool_use block per call (start, input_json_delta pieces,
 *   stop); Ollama all calls whole in one message chunk. A call's tokens count when its last
 *   event is written. Arguments given as a string go out raw (malformed JSON tests);
 * - the answer is capped by `max_tokens`/`max_completion_tokens` (OpenAI, the smaller),
 *   `max_tokens` (Anthropic) or `options.num_predict` (Ollama, negative = no cap); finish
 *   reason `length` (`max_tokens` for Anthropic) when the cap cut it, else `stop` (`end_turn`);
 * - `cachedInputTokens` (capped by the input) is part of the input: OpenAI reports
 *   `prompt_tokens` = all and `cached_tokens` = c; Anthropic `input_tokens` = all − c and
 *   `cache_read_input_tokens` = c; Ollama has no cache field, so `prompt_eval_count` = all − c
 *   (as after a real KV-cache hit);
 * - stats: `inputTokens` (all, cached included) and `cachedInputTokens` are counted when a 200
 *   answer starts; `outputTokens` counts content tokens written to the socket, so a cut or
 *   aborted stream counts only what was sent. Anthropic's `message_start` says output 0.
 * - embeddings: 64 dimensions (or the request's `dimensions`), hashed words and trigrams of
 *   the text (the simulated provider's function: similar texts, similar vectors), values
 *   multiples of 1/256;
 * - rerank (OpenAI-compatible `POST /v1/rerank`, Jina/Cohere shape): the simulated rerank
 *   model's scores, best first, `top_n`, usage `total_tokens` = the words of query and documents.
 */
export { startFakeProvider } from './fake-provider.server';
export {
  EMBEDDING_DIMENSIONS,
  IMAGE_TOKENS,
  countInputTokens,
  embeddingFor,
  structuredText,
  toolCallTokens,
} from './token-rules';
export type {
  FakeBehaviour,
  FakeKind,
  FakeOptions,
  FakeProviderServer,
  FakeResponder,
  FakeStats,
  FakeToolCall,
  ReceivedRequest,
} from './fake-provider.types';
