import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { JsonSchema } from '../messages/llm-message';
import { sampleJson } from './simulated-json';
import { patternSample } from './simulated-pattern';

const ajv2020 = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const ajv07 = addFormats(new Ajv({ strict: false, allErrors: true }));

/** Samples the schema under several seeds; every value must validate. */
function expectValid(schema: JsonSchema, seeds = 12): unknown[] {
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  const validate = (is2020 ? ajv2020 : ajv07).compile(schema);
  return Array.from({ length: seeds }, (_, i) => {
    const value = sampleJson(schema, `seed-${i}`);
    if (!validate(value)) {
      throw new Error(
        `invalid ${JSON.stringify(value)} for ${JSON.stringify(schema)}: ${ajv2020.errorsText(validate.errors)}`,
      );
    }
    return value;
  });
}

const zodSchemas: Record<string, z.ZodType> = {
  weather: z.object({
    city: z.string().min(1).describe('City name'),
    unit: z.enum(['celsius', 'fahrenheit']).default('celsius'),
    days: z.number().int().min(1).max(14).optional(),
  }),
  search: z.object({
    query: z.string().min(3).max(200),
    limit: z.number().int().positive().max(50).optional(),
    filters: z
      .object({
        site: z.string().url().optional(),
        after: z.string().datetime().optional(),
        tags: z
          .array(z.string().regex(/^[a-z][a-z0-9-]{1,20}$/))
          .max(5)
          .optional(),
      })
      .optional(),
  }),
  emails: z.object({
    to: z.array(z.string().email()).min(1).max(3),
    subject: z.string().max(78),
    body: z.string(),
    priority: z.union([z.literal('low'), z.literal('normal'), z.literal('high')]),
    sendAt: z.string().date().nullable(),
  }),
  ids: z.object({
    id: z.string().uuid(),
    cuid: z.string().cuid(),
    ulid: z.string().ulid(),
    nano: z.string().nanoid(),
    ip: z.string().ipv4(),
    ip6: z.string().ipv6(),
    cidr: z.string().cidrv4(),
    phone: z.string().e164(),
    time: z.string().time(),
    day: z.string().date(),
    b64: z.string().base64(),
    bigint: z.int(),
    safe: z.number().multipleOf(0.01).min(0).max(1),
    ratio: z.number().gt(0).lt(1),
  }),
  shapes: z.object({
    shape: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), radius: z.number().positive() }),
      z.object({ kind: z.literal('rect'), w: z.number(), h: z.number() }),
    ]),
    point: z.tuple([z.number(), z.number()]),
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    keys: z.record(z.enum(['a', 'b']), z.number()),
    flags: z.array(z.boolean()).length(3),
    maybe: z.string().nullable().optional(),
    nothing: z.null(),
    anything: z.unknown(),
  }),
  edits: z.object({
    path: z.string().regex(/^(?:src|lib)\/[\w./-]+\.ts$/),
    edits: z
      .array(
        z.object({
          line: z.number().int().nonnegative(),
          action: z.enum(['insert', 'delete', 'replace']),
          text: z.string().optional(),
        }),
      )
      .min(1),
    dryRun: z.boolean().default(false),
    code: z.string().length(6),
    amount: z.number().int().multipleOf(5).min(12).max(40),
  }),
};

const tree: z.ZodType = z.lazy(() => z.object({ name: z.string(), children: z.array(tree) }));
zodSchemas.tree = z.object({ root: tree });
const step: z.ZodType = z.lazy(() => z.object({ title: z.string(), next: step.optional() }));
zodSchemas.linked = z.object({ first: step });

describe('sampleJson', () => {
  it.each(Object.entries(zodSchemas))(
    'gives values valid against zod 4 JSON Schema: %s',
    (_name, schema) => {
      const json = z.toJSONSchema(schema) as JsonSchema;
      expect(json.$schema).toContain('2020-12');
      expectValid(json);
      expectValid(z.toJSONSchema(schema, { io: 'input' }));
    },
  );

  it('gives values valid against zod 4 draft-07 output', () => {
    for (const schema of Object.values(zodSchemas)) {
      const json = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
      expectValid(json);
    }
  });

  it.each<[string, JsonSchema]>([
    ['plain object', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }],
    [
      'strings with bounds',
      {
        type: 'object',
        properties: {
          short: { type: 'string', maxLength: 3 },
          long: { type: 'string', minLength: 60 },
          exact: { type: 'string', minLength: 5, maxLength: 5 },
          code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
          padded: { type: 'string', pattern: '^x+$', minLength: 10 },
          unanchored: { type: 'string', pattern: 'needle' },
        },
        required: ['short', 'long', 'exact', 'code', 'padded', 'unanchored'],
      },
    ],
    [
      'formats',
      {
        type: 'object',
        properties: Object.fromEntries(
          ['uri', 'email', 'date-time', 'date', 'time', 'uuid', 'hostname', 'ipv4', 'ipv6'].map(
            (f) => [f, { type: 'string', format: f }],
          ),
        ),
        required: ['uri', 'email', 'date-time', 'date', 'time', 'uuid', 'hostname', 'ipv4', 'ipv6'],
      },
    ],
    [
      'numbers',
      {
        type: 'object',
        properties: {
          neg: { type: 'integer', maximum: -1000 },
          band: { type: 'number', minimum: 2.5, maximum: 2.75 },
          open: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.001 },
          step: { type: 'number', multipleOf: 0.25, minimum: 1.1 },
          odd: { type: 'integer', multipleOf: 7, minimum: -20, maximum: -10 },
          huge: { type: 'integer', minimum: 9e15 },
        },
        required: ['neg', 'band', 'open', 'step', 'odd', 'huge'],
      },
    ],
    [
      'arrays',
      {
        type: 'object',
        properties: {
          many: { type: 'array', items: { type: 'integer' }, minItems: 4, maxItems: 6 },
          none: { type: 'array', maxItems: 0 },
          unique: { type: 'array', items: { type: 'string' }, minItems: 5, uniqueItems: true },
          tuple: {
            type: 'array',
            items: [{ type: 'string' }, { type: 'boolean' }],
            additionalItems: false,
          },
          contains: { type: 'array', items: { type: 'integer' }, contains: { const: 42 } },
        },
        required: ['many', 'none', 'unique', 'tuple', 'contains'],
      },
    ],
    [
      'refs and definitions',
      {
        definitions: {
          address: {
            type: 'object',
            properties: { street: { type: 'string' }, zip: { $ref: '#/definitions/zip' } },
            required: ['street', 'zip'],
            additionalProperties: false,
          },
          zip: { type: 'string', pattern: '^\\d{5}$' },
        },
        type: 'object',
        properties: {
          home: { $ref: '#/definitions/address' },
          work: { $ref: '#/definitions/address' },
        },
        required: ['home'],
      },
    ],
    [
      'combinators',
      {
        type: 'object',
        properties: {
          any: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3 }] },
          one: { oneOf: [{ type: 'string', enum: ['a'] }, { type: 'number' }] },
          all: {
            allOf: [
              { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
              { properties: { b: { type: 'integer', minimum: 5 } }, required: ['b'] },
            ],
          },
          constant: { const: { fixed: [1, 2] } },
          nullable: { type: ['integer', 'null'], minimum: 10 },
          oapi: { type: 'string', nullable: true, minLength: 2 },
          untyped: { minimum: 4 },
          enumMixed: { enum: [1, 'two', null] },
        },
        required: ['any', 'one', 'all', 'constant', 'nullable', 'oapi', 'untyped', 'enumMixed'],
      },
    ],
    [
      'property counts',
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } },
        minProperties: 3,
      },
    ],
    [
      'maps with key patterns',
      {
        type: 'object',
        propertyNames: { pattern: '^[a-z]{3}$' },
        additionalProperties: { type: 'number' },
        minProperties: 2,
      },
    ],
    ['not an object at the top', { type: 'array', items: { type: 'string', format: 'email' } }],
    ['boolean schema true', {}],
  ])('gives valid values for %s', (_name, schema) => {
    expectValid(schema);
  });

  it('honours defaults and picks the first non-null anyOf branch', () => {
    const schema = {
      type: 'object',
      properties: {
        unit: { type: 'string', enum: ['c', 'f'], default: 'f' },
        when: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] },
      },
      required: ['unit', 'when'],
    };
    for (const value of expectValid(schema)) {
      expect(value).toEqual({ unit: 'f', when: '2025-01-15' });
    }
  });

  it('is deterministic: the same schema and seed give the same value, other seeds vary', () => {
    const schema = z.toJSONSchema(zodSchemas.search) as JsonSchema;
    expect(sampleJson(schema, 'a')).toEqual(sampleJson(schema, 'a'));
    const distinct = new Set(
      Array.from({ length: 8 }, (_, i) => JSON.stringify(sampleJson(schema, `s${i}`))),
    );
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('ends on recursive schemas', () => {
    const schema = {
      $defs: {
        node: {
          type: 'object',
          properties: { next: { $ref: '#/$defs/node' } },
          required: ['next'],
        },
      },
      $ref: '#/$defs/node',
    };
    // No finite instance exists; the sampler still returns (a null at its depth limit).
    expect(() => sampleJson(schema, 'x')).not.toThrow();
    const self = { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#' } } } };
    expectValid(self);
  });
});

describe('patternSample', () => {
  it.each([
    ['^[a-z]+$', 'a'],
    ['^\\d{4}-\\d{2}$', '0000-00'],
    ['^[A-Z]{2}-\\d{3,5}$', 'AA-000'],
    ['^(?:foo|bar)+baz$', 'foobaz'],
    ['^\\p{Lu}\\p{Ll}+$', 'Aa'],
    ['^[^@\\s]+@[^@\\s]+$', 'a@a'],
    ['^$', ''],
  ])('samples %s as %s', (pattern, expected) => {
    expect(patternSample(pattern)).toBe(expected);
  });

  it('repeats open quantifiers when asked for more', () => {
    expect(patternSample('^x+y*$', 3)).toBe('xxxxyyy');
    expect(patternSample('^x{2,3}$', 5)).toBe('xxx');
  });

  it('gives up on lookarounds, backreferences and invalid patterns', () => {
    expect(patternSample('^(?=a)b')).toBeUndefined();
    expect(patternSample('^(a)\\1$')).toBeUndefined();
    expect(patternSample('([')).toBeUndefined();
  });
});
