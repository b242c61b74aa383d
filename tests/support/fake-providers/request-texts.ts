import { contentTexts, structuredText } from './token-rules';

// What each protocol's chat request sends as countable input, beyond plain message texts:
// tool definitions, tool calls and results, images. Response-format schemas are not counted
// (the router's own estimate leaves them out too).

/** The texts and images of a request, for `countInputTokens`. */
export interface RequestInput {
  texts: string[];
  images: number;
}

/** A tool definition's name, description and parameter schema. */
export function toolTexts(name: unknown, description: unknown, schema: unknown): string[] {
  return [
    typeof name === 'string' ? name : '',
    typeof description === 'string' ? description : '',
    structuredText(schema ?? {}),
  ];
}

const isImage = (part: any) => part?.type === 'image_url' || part?.type === 'image';

/** OpenAI: message contents (text parts, image_url parts), tool_calls, tools. */
export function openaiInput(body: any): RequestInput {
  const input: RequestInput = { texts: [], images: 0 };
  for (const m of body.messages as any[]) {
    input.texts.push(...contentTexts(m?.content));
    if (Array.isArray(m?.content)) input.images += m.content.filter(isImage).length;
    for (const call of Array.isArray(m?.tool_calls) ? m.tool_calls : []) {
      input.texts.push(
        String(call?.function?.name ?? ''),
        structuredText(call?.function?.arguments),
      );
    }
  }
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    const f = tool?.function;
    input.texts.push(...toolTexts(f?.name, f?.description, f?.parameters));
  }
  return input;
}

/** Anthropic: system, text/image/tool_use/tool_result blocks, tools. */
export function anthropicInput(body: any): RequestInput {
  const input: RequestInput = { texts: [...contentTexts(body.system)], images: 0 };
  const add = (content: unknown): void => {
    input.texts.push(...contentTexts(content));
    if (!Array.isArray(content)) return;
    for (const block of content) {
      if (isImage(block)) input.images++;
      else if (block?.type === 'tool_use') {
        input.texts.push(String(block.name ?? ''), structuredText(block.input ?? {}));
      } else if (block?.type === 'tool_result') add(block.content);
    }
  };
  for (const m of body.messages as any[]) add(m?.content);
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    input.texts.push(...toolTexts(tool?.name, tool?.description, tool?.input_schema));
  }
  return input;
}

/** Ollama: message contents, `images` arrays, tool_calls, tools. */
export function ollamaInput(body: any): RequestInput {
  const input: RequestInput = { texts: [], images: 0 };
  for (const m of Array.isArray(body.messages) ? (body.messages as any[]) : []) {
    input.texts.push(...contentTexts(m?.content));
    if (Array.isArray(m?.images)) input.images += m.images.length;
    for (const call of Array.isArray(m?.tool_calls) ? m.tool_calls : []) {
      input.texts.push(
        String(call?.function?.name ?? ''),
        structuredText(call?.function?.arguments),
      );
    }
  }
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    const f = tool?.function;
    input.texts.push(...toolTexts(f?.name, f?.description, f?.parameters));
  }
  return input;
}
