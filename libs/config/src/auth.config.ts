import { z } from 'zod';
import { intFromEnv, requiredInProduction, type Env } from './env';

export const authSchema = z.object({
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  RATE_LIMIT_PER_MINUTE: intFromEnv(1, 1_000_000).default(600),
});

export interface AuthConfig {
  adminToken: string;
  rateLimitPerMinute: number;
}

export function authConfig(env: Env): AuthConfig {
  const v = authSchema.parse({
    ...env,
    ADMIN_TOKEN: requiredInProduction(env, 'ADMIN_TOKEN', 'dev-admin-token-change-me'),
  });
  return { adminToken: v.ADMIN_TOKEN, rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE };
}
