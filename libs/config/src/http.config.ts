import { z } from 'zod';
import { intFromEnv, type Env } from './env';

export const httpSchema = z.object({
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: intFromEnv(0, 65535).default(3000),
  API_PUBLIC_URL: z.url().optional(),
  API_BODY_LIMIT_BYTES: intFromEnv(1024, 64 * 1024 * 1024).default(1024 * 1024),
});

export interface HttpConfig {
  host: string;
  port: number;
  publicUrl: string;
  bodyLimitBytes: number;
}

export function httpConfig(env: Env): HttpConfig {
  const v = httpSchema.parse(env);
  return {
    host: v.API_HOST,
    port: v.API_PORT,
    publicUrl: v.API_PUBLIC_URL ?? `http://${v.API_HOST}:${v.API_PORT}`,
    bodyLimitBytes: v.API_BODY_LIMIT_BYTES,
  };
}
