import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOpenAiRoute, unsupportedEndpoint } from './openai-routes';

/**
 * Every route of the API's controllers, read from their sources (the API module itself
 * cannot load under Jest): `@Controller('base')` and each `@Get('sub')`, `@Post()`...
 */
function controllerPaths(): string[] {
  const root = join(__dirname, '..');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.controller.ts'),
  );
  expect(files.length).toBeGreaterThan(5);
  return files.flatMap((file) => {
    const source = readFileSync(join(root, file), 'utf8');
    const base = /@Controller\((?:'([^']*)')?\)/.exec(source)?.[1] ?? '';
    const subs = [...source.matchAll(/@(?:Get|Post|Put|Patch|Delete|All)\((?:'([^']*)')?\)/g)];
    return subs.map((m) => `/${[base, m[1]].filter(Boolean).join('/')}`);
  });
}

const OPENAI_IMPLEMENTED = [
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/models',
  '/v1/models/:model',
];

describe('OpenAI routes', () => {
  it('answer in OpenAI shape on the front door and unknown /v1 paths, problem+json elsewhere', () => {
    for (const path of [
      '/v1/chat/completions',
      '/v1/models',
      '/v1/models/x%2Fy',
      '/v1/responses',
      '/v1/completions?x=1',
      '/v1/embeddings/',
      '/v1/chat/completions/abc',
      '/v1/modelsx',
      '/v1',
    ]) {
      expect({ path, openAi: isOpenAiRoute(path) }).toEqual({ path, openAi: true });
    }
    for (const path of ['/v1/jobs', '/v1/jobs/x/nope', '/v1/budgets/1', '/health/live', '/x']) {
      expect({ path, openAi: isOpenAiRoute(path) }).toEqual({ path, openAi: false });
    }
  });

  it('classify every controller route: Switchboard resources keep problem+json', () => {
    const paths = controllerPaths();
    expect(paths).toEqual(expect.arrayContaining([...OPENAI_IMPLEMENTED, '/v1/jobs']));
    for (const path of paths) {
      const expected = OPENAI_IMPLEMENTED.includes(path);
      expect({ path, openAi: isOpenAiRoute(path) }).toEqual({ path, openAi: expected });
    }
  });

  it('say which OpenAI API is not supported, and what is', () => {
    const responses = unsupportedEndpoint('POST', '/v1/responses?stream=true');
    expect(responses.getStatus()).toBe(404);
    expect(responses.error).toEqual({
      message: expect.stringMatching(
        /^The Responses API \(POST \/v1\/responses\) is not supported by Switchboard\. .*POST \/v1\/chat\/completions/,
      ),
      type: 'invalid_request_error',
      param: null,
      code: 'unsupported_endpoint',
    });
    expect(unsupportedEndpoint('GET', '/v1/nothing').error.message).toMatch(
      /^GET \/v1\/nothing is not supported by Switchboard\./,
    );
  });
});
