import { z } from 'zod';
import { JOB_CATALOGUE } from './catalogue';
import { jobOptionsFields } from './job-request';
import { ROLES, type Role } from './roles';
import { TIERS } from './tiers';

type JsonSchema = Record<string, unknown>;

const pascal = (role: Role) => role[0].toUpperCase() + role.slice(1);
const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });

/** The request body of POST /v1/jobs, one variant per role, discriminated by `role`. */
export function jobRequestVariants(): Record<Role, z.ZodType> {
  const tier = z.union(TIERS.map((t) => z.literal(t)));
  return Object.fromEntries(
    ROLES.map((role) => [
      role,
      z.strictObject({
        role: z.literal(role),
        tier,
        input: JOB_CATALOGUE[role].input,
        ...jobOptionsFields,
      }),
    ]),
  ) as unknown as Record<Role, z.ZodType>;
}

/**
 * OpenAPI component schemas derived from the catalogue: `<Role>Input`, `<Role>Result`,
 * `<Role>JobRequest`. The API document references them; nothing is written twice.
 */
export function catalogueOpenApiSchemas(): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  const variants = jobRequestVariants();
  for (const role of ROLES) {
    const definition = JOB_CATALOGUE[role];
    components[`${pascal(role)}Input`] = {
      ...toSchema(definition.input, 'input'),
      description: definition.description,
    };
    components[`${pascal(role)}Result`] = toSchema(definition.result, 'output');
    components[`${pascal(role)}JobRequest`] = toSchema(variants[role], 'input');
  }
  return components;
}

export function openApiSchemaName(role: Role, kind: 'Input' | 'Result' | 'JobRequest'): string {
  return `${pascal(role)}${kind}`;
}
