import { z } from 'zod';
import { requiredInProduction, type Env } from './env';

export const databaseSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case identifier')
    .default('public'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export interface DatabaseConfig {
  url: string;
  schema: string;
  poolSize: number;
}

export function databaseConfig(env: Env): DatabaseConfig {
  const v = databaseSchema.parse({
    ...env,
    DATABASE_URL: requiredInProduction(
      env,
      'DATABASE_URL',
      'postgres://postgres@127.0.0.1:5432/switchboard',
    ),
  });
  return { url: v.DATABASE_URL, schema: v.DATABASE_SCHEMA, poolSize: v.DATABASE_POOL_SIZE };
}
