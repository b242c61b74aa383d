import { ToolCallAssembler, type LlmMessage, type ProviderAdapter } from '@switchboard/llm';

// One provider call through an adapter, chat or stream, seen the same way: a stream's
// deltas joined, its tool call pieces assembled, its done chunk's finish reason and usage.

export type AdapterCall = Parameters<ProviderAdapter['chat']>[0];
export type AdapterResult = Awaited<ReturnType<ProviderAdapter['chat']>>;
export type AdapterChunk =
  ReturnType<ProviderAdapter['stream']> extends AsyncIterable<infer C> ? C : never;
export type CallMode = 'chat' | 'stream';

export const adapterCall = (
  messages: LlmMessage[],
  extra: Partial<AdapterCall> = {},
): AdapterCall => ({
  model: 'fake-model',
  messages,
  maxTokens: 200,
  signal: new AbortController().signal,
  ...extra,
});

/** A stream as one result; its chunks also land in `chunks`. */
export async function streamed(
  adapter: ProviderAdapter,
  call: AdapterCall,
  chunks: AdapterChunk[] = [],
): Promise<AdapterResult> {
  const assembler = new ToolCallAssembler();
  for await (const chunk of adapter.stream(call)) {
    chunks.push(chunk);
    if (chunk.type === 'tool_call') assembler.push(chunk);
  }
  const done = chunks.at(-1);
  if (done?.type !== 'done' || !done.usage) throw new Error('stream ended without usage');
  const text = chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');
  return {
    text,
    ...(assembler.size > 0 ? { toolCalls: assembler.toolCalls() } : {}),
    finishReason: done.finishReason,
    usage: done.usage,
  };
}

export const runCall = (
  adapter: ProviderAdapter,
  mode: CallMode,
  call: AdapterCall,
  chunks?: AdapterChunk[],
): Promise<AdapterResult> =>
  mode === 'chat' ? adapter.chat(call) : streamed(adapter, call, chunks);
