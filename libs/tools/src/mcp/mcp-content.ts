import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';
import type { ToolOutput } from '../tool.types';

/** A binary part the model cannot read here: said in a short note instead of base64. */
const sizeOf = (base64: string) => Math.floor((base64.length * 3) / 4);

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
      return `[image ${block.mimeType}, ${sizeOf(block.data)} bytes, not shown]`;
    case 'audio':
      return `[audio ${block.mimeType}, ${sizeOf(block.data)} bytes, not shown]`;
    case 'resource_link': {
      const parts = [`[resource link: ${block.name} <${block.uri}>`];
      if (block.mimeType) parts.push(` (${block.mimeType})`);
      if (block.description) parts.push(`: ${block.description}`);
      return `${parts.join('')}]`;
    }
    case 'resource': {
      const resource = block.resource;
      if ('text' in resource && typeof resource.text === 'string') {
        return `[resource <${resource.uri}>]\n${resource.text}`;
      }
      const blob = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
      return `[resource <${resource.uri}>${resource.mimeType ? ` ${resource.mimeType}` : ''}, ${sizeOf(blob)} bytes, not shown]`;
    }
    default: {
      const unknown = block as { type?: unknown };
      return `[${String(unknown.type)} content, not shown]`;
    }
  }
}

/**
 * An MCP tool result as the model gets it: text parts as they are, binary parts as short
 * notes, `structuredContent` kept as `data` (and as the text when there is no content).
 */
export function toToolOutput(result: CallToolResult): ToolOutput {
  const content = Array.isArray(result.content) ? result.content : [];
  let text = content.map(blockText).join('\n');
  const data = result.structuredContent;
  if (text === '' && data !== undefined) text = JSON.stringify(data);
  const output: ToolOutput = { content: text };
  if (result.isError === true) output.isError = true;
  if (data !== undefined) output.data = data;
  return output;
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** An error's message, also for errors of another realm (where `instanceof Error` fails). */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
