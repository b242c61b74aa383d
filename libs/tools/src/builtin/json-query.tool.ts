import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolOutput } from '../tool.types';
import { JsonPathError, queryJson } from './json-path';

const input = z.strictObject({
  json: z.string().min(1).max(5_000_000).describe('the JSON document, as text'),
  path: z
    .string()
    .min(1)
    .max(1_000)
    .describe(
      'JSONPath, e.g. $.items[0].name, $.items[*].id, $..price, $.items[?(@.price < 10)], ' +
        "$.items[-1], $.items[0:3], $['a key']",
    ),
});

@LocalTool({
  name: 'json_query',
  description:
    'Extracts or filters values from a JSON document with a JSONPath expression; answers ' +
    'with the matches as a JSON array.',
  input,
  privacyCompatible: true,
  timeoutMs: 5_000,
})
export class JsonQueryTool implements LocalToolHandler<typeof input> {
  async run({ json, path }: z.output<typeof input>): Promise<ToolOutput> {
    let document: unknown;
    try {
      document = JSON.parse(json);
    } catch (error) {
      return { content: `The json is not valid JSON: ${(error as Error).message}`, isError: true };
    }
    try {
      const matches = queryJson(document, path);
      return { content: JSON.stringify(matches), data: { matches, count: matches.length } };
    } catch (error) {
      if (error instanceof JsonPathError) return { content: error.message, isError: true };
      throw error;
    }
  }
}
