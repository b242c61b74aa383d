import { z } from 'zod';
import type { Env } from './env';

export const appSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  production: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export function appConfig(env: Env): AppConfig {
  const v = appSchema.parse(env);
  return { env: v.NODE_ENV, production: v.NODE_ENV === 'production', logLevel: v.LOG_LEVEL };
}
