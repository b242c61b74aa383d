import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type { ArgumentCheck } from '../tool.types';

// Formats are hints for the model here; the server checks its own inputs anyway.
const options = { strict: false, allErrors: true, validateFormats: false, useDefaults: true };
const validators = {
  draft7: new Ajv(options),
  draft2019: new Ajv2019(options),
  draft2020: new Ajv2020(options),
};

/** The validator for a schema's declared draft; unknown or older drafts are read as draft-07. */
function compile(schema: Record<string, unknown>): ValidateFunction {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return validators.draft2020.compile(schema);
  if (declared.includes('2019-09')) return validators.draft2019.compile(schema);
  const { $schema: _ignored, ...rest } = schema;
  return validators.draft7.compile(rest);
}

/**
 * A `check()` for a tool's JSON Schema: the arguments must be an object that the schema
 * accepts; schema defaults are filled in. A schema that does not compile refuses every call
 * (with the reason), rather than letting unchecked arguments through.
 */
export function argumentsChecker(
  schema: Record<string, unknown>,
): (args: unknown) => ArgumentCheck {
  let validate: ValidateFunction | undefined;
  let broken: string | undefined;
  try {
    validate = compile(schema);
  } catch (error) {
    broken = `the tool's input schema is invalid: ${(error as Error).message}`;
  }
  return (args) => {
    if (broken || !validate) return { ok: false, error: broken ?? 'no validator' };
    const value: unknown = args === undefined || args === null ? {} : structuredClone(args);
    if (typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: 'arguments must be a JSON object' };
    }
    if (validate(value)) return { ok: true, value };
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`);
    return { ok: false, error: `invalid arguments: ${errors.join('; ')}` };
  };
}
