import { loadConfig } from '@switchboard/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueError, loadCatalogue } from './load-catalogue';

const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const llm = (env: Record<string, string> = {}) => loadConfig(env).llm;

const valid = {
  version: 1,
  providers: [
    { name: 'openai', kind: 'openai', apiKeyEnv: 'TEST_OPENAI_KEY' },
    { name: 'ollama', kind: 'ollama', baseURL: 'http://127.0.0.1:11434', local: true },
  ],
  models: [
    {
      provider: 'ollama',
      id: 'llama3',
      tiers: [0, 1],
      capabilities: ['chat'],
      contextWindow: 8192,
      prices: { input: 0, output: 0 },
    },
    {
      provider: 'openai',
      id: 'gpt-4o',
      tiers: [3],
      capabilities: ['chat', 'vision'],
      contextWindow: 128000,
      prices: { input: 2_500_000, output: 10_000_000, cachedInput: 1_250_000 },
    },
  ],
  routing: { '1': { strategy: 'cheapest' } },
};

describe('loadCatalogue', () => {
  it('resolves keys from env, locality and strategies', () => {
    const path = write('ok.json', valid);
    const catalogue = loadCatalogue(llm({ LLM_CATALOGUE_FILE: path }), {
      TEST_OPENAI_KEY: 'sk-test-123456',
    });
    expect(catalogue.provider('openai').apiKey).toBe('sk-test-123456');
    expect(catalogue.secrets()).toEqual(['sk-test-123456']);
    expect(catalogue.models.map((m) => [m.key, m.local])).toEqual([
      ['ollama/llama3', true],
      ['openai/gpt-4o', false],
    ]);
    expect(catalogue.strategyFor(1)).toBe('cheapest');
    expect(catalogue.strategyFor(3)).toBe('priority');
    expect(catalogue.models[0].prices).toEqual({ input: 0, output: 0, cachedInput: 0 });
  });

  it('takes keys from the secrets file and never echoes its content', () => {
    const path = write('ok2.json', valid);
    const secrets = write('secrets.json', { openai: 'sk-from-file' });
    const catalogue = loadCatalogue(
      llm({ LLM_CATALOGUE_FILE: path, LLM_SECRETS_FILE: secrets }),
      {},
    );
    expect(catalogue.provider('openai').apiKey).toBe('sk-from-file');
    const bad = write('bad-secrets.json', '{"openai": "sk-leak", "n": 1}');
    expect(() =>
      loadCatalogue(llm({ LLM_CATALOGUE_FILE: path, LLM_SECRETS_FILE: bad }), {}),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('sk-leak') }));
  });

  it('names every problem at once', () => {
    const path = write('bad.json', {
      ...valid,
      models: [
        { ...valid.models[1], prices: undefined },
        { ...valid.models[1], tiers: [0] },
        { ...valid.models[0], provider: 'nope' },
      ],
    });
    let error: CatalogueError | undefined;
    try {
      loadCatalogue(llm({ LLM_CATALOGUE_FILE: path }), {});
    } catch (e) {
      error = e as CatalogueError;
    }
    expect(error).toBeInstanceOf(CatalogueError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/openai\/gpt-4o' has no prices/),
        expect.stringMatching(/listed twice/),
        expect.stringMatching(/serves tier 0 .* but is not local/),
        expect.stringMatching(/unknown provider 'nope'/),
        expect.stringMatching(/TEST_OPENAI_KEY is not set/),
      ]),
    );
  });

  it('allows unpriced models only when told to', () => {
    const file = { ...valid, providers: [valid.providers[1]], models: [{ ...valid.models[0] }] };
    delete (file.models[0] as { prices?: unknown }).prices;
    const path = write('unpriced.json', file);
    expect(() => loadCatalogue(llm({ LLM_CATALOGUE_FILE: path }), {})).toThrow(/no prices/);
    const catalogue = loadCatalogue(
      llm({ LLM_CATALOGUE_FILE: path, LLM_ALLOW_UNPRICED: 'true' }),
      {},
    );
    expect(catalogue.models[0].prices).toBeNull();
  });

  it('rejects schema errors with their path', () => {
    const path = write('schema.json', { ...valid, routing: { '1': { strategy: 'random' } } });
    expect(() => loadCatalogue(llm({ LLM_CATALOGUE_FILE: path }), {})).toThrow(
      /routing\.1\.strategy/,
    );
    expect(() => loadCatalogue(llm({ LLM_CATALOGUE_FILE: join(dir, 'missing.json') }), {})).toThrow(
      CatalogueError,
    );
  });

  it('refuses the built-in simulated catalogue in production unless allowed', () => {
    const production = { ...llm(), allowSimulated: false };
    expect(() => loadCatalogue(production, {})).toThrow(
      /simulated LLM provider is refused in production/,
    );
    expect(loadCatalogue(llm(), {}).models).toHaveLength(5);
  });

  it('ships a valid example catalogue', () => {
    const catalogue = loadCatalogue(
      llm({ LLM_CATALOGUE_FILE: join(__dirname, '../../../../config/llm-catalogue.example.json') }),
      {
        OPENAI_API_KEY: 'sk-a',
        ANTHROPIC_API_KEY: 'sk-b',
        GROQ_API_KEY: 'sk-c',
        TOGETHER_API_KEY: 'sk-d',
      },
    );
    expect(catalogue.providers.size).toBe(6);
  });
});
