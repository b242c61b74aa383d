import { argumentsChecker } from './tool-arguments.check';

describe('argumentsChecker', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { path: { type: 'string' }, depth: { type: 'integer', default: 1 } },
    required: ['path'],
    additionalProperties: false,
  };

  it('accepts arguments the schema allows and fills in defaults', () => {
    expect(argumentsChecker(schema)({ path: 'a.txt' })).toEqual({
      ok: true,
      value: { path: 'a.txt', depth: 1 },
    });
  });

  it('names what is wrong', () => {
    const check = argumentsChecker(schema);
    const missing = check({});
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toContain("must have required property 'path'");
    const extra = check({ path: 'a', other: 1 });
    expect(!extra.ok && extra.error).toContain('must NOT have additional properties');
    expect(check('a.txt')).toEqual({ ok: false, error: 'arguments must be a JSON object' });
    expect(check([1])).toEqual({ ok: false, error: 'arguments must be a JSON object' });
  });

  it('reads draft-07 and schemas without $schema, and treats missing arguments as {}', () => {
    const draft7 = argumentsChecker({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { n: { type: 'number' } },
    });
    expect(draft7(undefined)).toEqual({ ok: true, value: {} });
    expect(draft7({ n: 'x' }).ok).toBe(false);
    expect(
      argumentsChecker({ type: 'object', properties: { a: { format: 'uri' } } })({ a: 1 }).ok,
    ).toBe(true);
  });

  it('does not change the caller’s object', () => {
    const args = { path: 'a' };
    argumentsChecker(schema)(args);
    expect(args).toEqual({ path: 'a' });
  });

  it('refuses every call when the schema does not compile', () => {
    const result = argumentsChecker({ type: 'object', properties: { a: { type: 'nope' } } })({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain("the tool's input schema is invalid");
  });
});
