/**
 * Tool-call arguments as an object, for APIs that take them parsed (Anthropic's tool_use
 * `input`, Ollama's `arguments`). Arguments the model wrote as malformed JSON, or as JSON
 * that is no object, go back as `{}` (the tool loop told the model so in the tool result):
 * the call still pairs with its result.
 */
export function argumentsObject(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
