import { z } from 'zod';
import { appConfig, type AppConfig } from './app.config';
import { authConfig, type AuthConfig } from './auth.config';
import { budgetConfig, type BudgetConfig } from './budget.config';
import { ConfigError } from './config-error';
import { databaseConfig, type DatabaseConfig } from './database.config';
import type { Env } from './env';
import { httpConfig, type HttpConfig } from './http.config';
import { llmConfig, type LlmConfig } from './llm.config';
import { mcpConfig, type McpConfig } from './mcp.config';
import { metricsConfig, type MetricsConfig } from './metrics.config';
import { redisConfig, type RedisConfig } from './redis.config';
import { retrievalConfig, type RetrievalConfig } from './retrieval.config';
import { streamsConfig, type StreamsConfig } from './streams.config';
import { toolsConfig, type ToolsConfig } from './tools.config';
import { workerConfig, type WorkerConfig } from './worker.config';

/** The whole typed configuration, validated once at boot. Inject it as `Config`. */
export class Config {
  constructor(
    readonly app: AppConfig,
    readonly http: HttpConfig,
    readonly redis: RedisConfig,
    readonly database: DatabaseConfig,
    readonly auth: AuthConfig,
    readonly worker: WorkerConfig,
    readonly llm: LlmConfig,
    readonly budget: BudgetConfig,
    readonly streams: StreamsConfig,
    readonly mcp: McpConfig = mcpConfig({}),
    readonly tools: ToolsConfig = toolsConfig({}),
    readonly metrics: MetricsConfig = metricsConfig({}),
    readonly retrieval: RetrievalConfig = retrievalConfig({}),
  ) {}

  /** Values that must never appear in a log line. */
  secrets(): string[] {
    const fromUrl = (url: string) => {
      try {
        return decodeURIComponent(new URL(url).password);
      } catch {
        return '';
      }
    };
    return [
      this.auth.adminToken,
      fromUrl(this.database.url),
      fromUrl(this.redis.url),
      this.budget.webhookSecret ?? '',
      this.retrieval?.qdrantApiKey ?? '',
    ].filter((s) => s.length >= 4);
  }
}

/** Parses every domain and reports every bad variable at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const section = <T>(parse: (env: Env) => T): T => {
    try {
      return parse(env);
    } catch (error) {
      if (error instanceof z.ZodError) {
        problems.push(...ConfigError.fromZod(error).problems);
        return undefined as T;
      }
      throw error;
    }
  };
  const config = new Config(
    section(appConfig),
    section(httpConfig),
    section(redisConfig),
    section(databaseConfig),
    section(authConfig),
    section(workerConfig),
    section(llmConfig),
    section(budgetConfig),
    section(streamsConfig),
    section(mcpConfig),
    section(toolsConfig),
    section(metricsConfig),
    section(retrievalConfig),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
