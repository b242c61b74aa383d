import type { LlmConfig } from '@switchboard/config';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BUILTIN_CATALOGUE } from './builtin-catalogue';
import { ModelCatalogue } from './model-catalogue';
import { modelCatalogueSchema, type ModelCatalogueFile } from './model-catalogue.schema';

/** Provider kinds with a rerank endpoint: openai (a compatible server's `/rerank`). */
const RERANK_KINDS: ReadonlySet<string> = new Set(['openai', 'simulated']);

/** The catalogue file (or the secrets file) is unusable; the message names every problem. */
export class CatalogueError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid model catalogue ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CatalogueError';
  }
}

/**
 * Reads and checks the model catalogue named by LLM_CATALOGUE_FILE (the built-in simulated
 * one without it) and resolves each provider's API key from its env variable or the
 * secrets file. Keys end up only in the adapters, never in logs.
 */
export function loadCatalogue(config: LlmConfig, env: NodeJS.ProcessEnv): ModelCatalogue {
  const source = config.catalogueFile ?? '(built-in simulated catalogue)';
  const file = config.catalogueFile ? readCatalogueFile(config.catalogueFile) : BUILTIN_CATALOGUE;
  const secrets = config.secretsFile ? readSecretsFile(config.secretsFile) : {};
  const problems = checkCatalogue(file, config);
  const keys = new Map<string, string>();
  for (const provider of file.providers) {
    const key = secrets[provider.name] ?? (provider.apiKeyEnv && env[provider.apiKeyEnv]);
    if (key) keys.set(provider.name, key);
    else if (provider.apiKeyEnv) {
      problems.push(
        `provider '${provider.name}': ${provider.apiKeyEnv} is not set (nor in the secrets file)`,
      );
    }
  }
  if (problems.length > 0) throw new CatalogueError(source, problems);
  return new ModelCatalogue(file, keys, source);
}

function readCatalogueFile(path: string): ModelCatalogueFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CatalogueError(path, [(error as Error).message]);
  }
  const parsed = modelCatalogueSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CatalogueError(
      path,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

function readSecretsFile(path: string): Record<string, string> {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    // Never echo the file's content: it holds keys.
    const reason = error instanceof z.ZodError ? 'must be a JSON object of strings' : 'unreadable';
    throw new CatalogueError(path, [`secrets file ${reason}`]);
  }
}

/** Cross-field rules the schema cannot say. */
export function checkCatalogue(file: ModelCatalogueFile, config: LlmConfig): string[] {
  const problems: string[] = [];
  const providers = new Map(file.providers.map((p) => [p.name, p]));
  if (providers.size !== file.providers.length) problems.push('provider names must be unique');
  const seen = new Set<string>();
  for (const model of file.models) {
    const key = `${model.provider}/${model.id}`;
    const provider = providers.get(model.provider);
    if (!provider) problems.push(`model '${key}': unknown provider '${model.provider}'`);
    if (seen.has(key)) problems.push(`model '${key}' is listed twice`);
    seen.add(key);
    if (!model.prices && !config.allowUnpriced) {
      problems.push(`model '${key}' has no prices (set LLM_ALLOW_UNPRICED=true to allow it)`);
    }
    const local = model.local ?? provider?.local ?? false;
    if (model.local && provider && !provider.local) {
      problems.push(`model '${key}' is marked local but provider '${provider.name}' is not`);
    }
    if (model.tiers.includes(0) && !local) {
      problems.push(`model '${key}' serves tier 0 (local and private) but is not local`);
    }
    if (model.capabilities.includes('embeddings') && provider?.kind === 'anthropic') {
      problems.push(`model '${key}': anthropic has no embeddings API`);
    }
    if (model.capabilities.includes('rerank') && provider && !RERANK_KINDS.has(provider.kind)) {
      problems.push(`model '${key}': ${provider.kind} has no rerank endpoint`);
    }
  }
  if (file.providers.some((p) => p.kind === 'simulated') && !config.allowSimulated) {
    problems.push(
      'the simulated LLM provider is refused in production; configure real providers or set LLM_ALLOW_SIMULATED=true',
    );
  }
  return problems;
}
