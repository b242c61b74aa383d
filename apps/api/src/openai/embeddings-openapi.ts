/** OpenAPI schemas of POST /v1/embeddings. */
export function embeddingsSchemas(): Record<string, Record<string, unknown>> {
  return {
    EmbeddingsRequest: {
      type: 'object',
      description: 'OpenAI embeddings request; unknown fields (`user`) are ignored',
      required: ['model', 'input'],
      properties: {
        model: { type: 'string', description: 'tier-0 … tier-3, or a catalogue embedding model' },
        input: {
          oneOf: [
            { type: 'string', minLength: 1 },
            { type: 'array', minItems: 1, maxItems: 2048, items: { type: 'string', minLength: 1 } },
          ],
          description: 'text or texts; token arrays are refused (400)',
        },
        encoding_format: { type: 'string', enum: ['float', 'base64'], default: 'float' },
        dimensions: { type: 'integer', minimum: 1, description: 'for models that can shorten' },
      },
    },
    EmbeddingsResponse: {
      type: 'object',
      properties: {
        object: { type: 'string', enum: ['list'] },
        data: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              object: { type: 'string', enum: ['embedding'] },
              index: { type: 'integer' },
              embedding: {
                oneOf: [
                  { type: 'array', items: { type: 'number' } },
                  { type: 'string', description: 'float32 little-endian, base64' },
                ],
              },
            },
          },
        },
        model: { type: 'string' },
        usage: {
          type: 'object',
          properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } },
        },
      },
    },
  };
}
