import type { Capability } from '../catalogue/model-catalogue.schema';
import type { LlmRequest } from '../llm.types';

/** What a chat request needs of a model, from what it sends and asks for. */
export function requiredCapabilities(request: LlmRequest): Capability[] {
  const needs = new Set<Capability>(['chat', ...(request.capabilities ?? [])]);
  if (request.tools?.length) needs.add('tools');
  if (request.responseFormat?.type === 'json_schema') needs.add('json_schema');
  const images = request.messages.some(
    (m) =>
      m.role === 'user' &&
      typeof m.content !== 'string' &&
      m.content.some((p) => p.type === 'image'),
  );
  if (images) needs.add('vision');
  return [...needs];
}
