import type { z } from 'zod';
import type { RoleJobOptions } from './job-options';

/** One role's entry in the catalogue: its schemas, defaults and a one-line description. */
export interface JobDefinition<I extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  description: string;
  input: I;
  result: R;
  options: RoleJobOptions;
}

export function defineJob<I extends z.ZodType, R extends z.ZodType>(
  definition: JobDefinition<I, R>,
): JobDefinition<I, R> {
  return definition;
}
