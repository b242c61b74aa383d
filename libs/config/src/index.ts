// Typed, validated configuration: one zod schema per domain, read once at boot.
// `loadConfig()` throws a ConfigError naming every bad variable; `ConfigModule` provides it.
export { Config, loadConfig } from './config';
export { ConfigError } from './config-error';
export { ConfigModule } from './config.module';
export type { Env } from './env';
export type { AppConfig } from './app.config';
export type { AuthConfig } from './auth.config';
export type { BudgetConfig } from './budget.config';
export type { DatabaseConfig } from './database.config';
export type { HttpConfig } from './http.config';
export type { CircuitBreakerConfig, LlmConfig } from './llm.config';
export type { McpConfig } from './mcp.config';
export { MAX_METRICS_TENANTS, type MetricsConfig } from './metrics.config';
export type { RedisConfig, RedisNode } from './redis.config';
export type { RetrievalConfig } from './retrieval.config';
export type { StreamsConfig } from './streams.config';
export type { ToolsConfig } from './tools.config';
export type { WorkerConfig } from './worker.config';
