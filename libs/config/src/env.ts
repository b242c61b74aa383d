import { z } from 'zod';

/** Raw environment, as a plain string map. Tests pass their own; apps pass process.env. */
export type Env = Record<string, string | undefined>;

export const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A variable that must be set in production and has a development default otherwise. */
export function requiredInProduction(
  env: Env,
  name: string,
  devDefault: string,
): string | undefined {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  return env.NODE_ENV === 'production' ? undefined : devDefault;
}
