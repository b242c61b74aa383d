import { createHash } from 'node:crypto';
import type { JsonSchema } from '../messages/llm-message';
import { type Draw, sampleNumber, sampleString } from './simulated-json-scalars';

/**
 * A deterministic JSON value valid against a JSON Schema (draft-04 to 2020-12), for the
 * simulated provider's tool-call arguments and structured answers: the same schema and seed
 * always give the same value. Understood: type (and type lists, `nullable`), const, enum,
 * default, properties/required/additionalProperties/propertyNames/min-maxProperties, items,
 * prefixItems and tuple `items`, min-maxItems, uniqueItems, contains, string formats,
 * pattern and lengths, number bounds and multipleOf, anyOf/oneOf (their first branch that is
 * not null), allOf (merged), and $ref into the document (`#/$defs/…`, `#/definitions/…`,
 * `#`). Keywords beyond these (not, if/then/else, dependencies, patternProperties) are not
 * steered; nested optional parts are left out below a few levels, so recursive schemas end.
 */
export function sampleJson(schema: JsonSchema | boolean, seed: string): unknown {
  return new JsonSampler(schema, seededDraw(seed)).sample(schema, 0);
}

/** Draws from a SHA-256 counter stream of the seed. */
export function seededDraw(seed: string): Draw {
  let block = Buffer.alloc(0);
  let counter = 0;
  let used = 0;
  return {
    int(n: number): number {
      if (!(n > 1)) return 0;
      if (used + 4 > block.length) {
        block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        used = 0;
      }
      const value = block.readUInt32BE(used);
      used += 4;
      return value % Math.floor(n);
    },
  };
}

/** Below this depth optional properties and optional array items are left out. */
const FULL_DEPTH = 4;
/** A schema nested (or referenced) deeper than this gives null: a schema with no finite instance. */
const MAX_DEPTH = 48;

type Schema = JsonSchema | boolean;

const isObject = (v: unknown): v is JsonSchema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class JsonSampler {
  constructor(
    private readonly root: Schema,
    private readonly draw: Draw,
  ) {}

  sample(input: Schema, depth: number): unknown {
    if (depth > MAX_DEPTH) return null;
    if (input === false) return null;
    if (input === true) return 'simulated';
    const schema = this.flatten(input);
    if ('const' in schema) return schema.const;
    if ('default' in schema && schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const typed = schema.enum.filter((v) => this.typeAllows(schema, v));
      const pool = typed.length > 0 ? typed : schema.enum;
      return pool[this.draw.int(pool.length)];
    }
    switch (this.typeOf(schema)) {
      case 'null':
        return null;
      case 'boolean':
        return this.draw.int(2) === 0;
      case 'integer':
        return sampleNumber(schema, true, this.draw);
      case 'number':
        return sampleNumber(schema, false, this.draw);
      case 'array':
        return this.array(schema, depth);
      case 'object':
        return this.object(schema, depth);
      default:
        return sampleString(schema, this.draw);
    }
  }

  /** The schema with its $ref resolved, its first non-null anyOf/oneOf branch and allOf merged in. */
  private flatten(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; hops < MAX_DEPTH; hops++) {
      const { $ref, allOf, anyOf, oneOf, ...rest } = current;
      const parts: JsonSchema[] = [];
      if (typeof $ref === 'string') parts.push(this.resolve($ref));
      if (Array.isArray(allOf)) parts.push(...allOf.map((s) => this.asObject(s)));
      const branches = Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined;
      if (branches && branches.length > 0) {
        const objects = branches.map((s) => this.asObject(s));
        parts.push(objects.find((b) => !this.onlyNull(b)) ?? objects[0]);
      }
      if (parts.length === 0) return current;
      // anyOf and oneOf both present: keep oneOf for the next round.
      const keep = Array.isArray(anyOf) && Array.isArray(oneOf) ? { oneOf } : {};
      current = parts.reduce(merge, { ...rest, ...keep });
    }
    return current;
  }

  private array(schema: JsonSchema, depth: number): unknown[] {
    const tuple = Array.isArray(schema.prefixItems)
      ? (schema.prefixItems as Schema[])
      : Array.isArray(schema.items)
        ? (schema.items as Schema[])
        : [];
    const rest: Schema | undefined = Array.isArray(schema.items)
      ? (schema.additionalItems as Schema | undefined)
      : (schema.items as Schema | undefined);
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    let max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    if (rest === false) max = Math.min(max, tuple.length);
    const wanted = depth < FULL_DEPTH ? Math.max(1 + this.draw.int(2), tuple.length) : 0;
    const length = Math.max(min, Math.min(wanted, max));
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < length; i++) {
      const itemSchema = i < tuple.length ? tuple[i] : (rest ?? true);
      const useContains = i === 0 && schema.contains !== undefined && i >= tuple.length;
      let item = this.sample(useContains ? (schema.contains as Schema) : itemSchema, depth + 1);
      for (let tries = 0; schema.uniqueItems === true && tries < 16; tries++) {
        if (!seen.has(JSON.stringify(item))) break;
        item = this.sample(itemSchema, depth + 1);
      }
      seen.add(JSON.stringify(item));
      out.push(item);
    }
    return out;
  }

  private object(schema: JsonSchema, depth: number): Record<string, unknown> {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const additional = schema.additionalProperties as Schema | undefined;
    const min = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    const max = typeof schema.maxProperties === 'number' ? schema.maxProperties : Infinity;
    const out: Record<string, unknown> = {};
    const put = (key: string, s: Schema) => {
      out[key] = this.sample(s, depth + 1);
    };
    for (const key of required) {
      put(key, (properties[key] as Schema) ?? (isObject(additional) ? additional : true));
    }
    const optional = Object.keys(properties).filter((k) => !required.has(k));
    for (const key of optional) {
      const count = Object.keys(out).length;
      const wanted = depth < FULL_DEPTH && this.draw.int(2) === 0;
      if (count < max && (wanted || count < min)) put(key, properties[key] as Schema);
    }
    // A map (no declared properties): one entry, or as many as minProperties asks for.
    const isMap = Object.keys(properties).length === 0 && isObject(additional);
    const entries = Math.max(min - Object.keys(out).length, isMap && depth < FULL_DEPTH ? 1 : 0);
    if (additional !== false) {
      for (let i = 0; i < entries && Object.keys(out).length < max; i++) {
        const key = this.propertyName(schema, i, out);
        if (key !== undefined) put(key, additional ?? true);
      }
    }
    // Declared order, as a model writes them.
    const order = [...Object.keys(properties), ...Object.keys(out)];
    return Object.fromEntries([...new Set(order)].filter((k) => k in out).map((k) => [k, out[k]]));
  }

  /** A new key that propertyNames accepts. */
  private propertyName(schema: JsonSchema, i: number, taken: object): string | undefined {
    const names = isObject(schema.propertyNames) ? this.flatten(schema.propertyNames) : {};
    for (let tries = 0; tries < 16; tries++) {
      const key = Object.keys(names).length === 0 ? `key${i + tries || ''}` : this.sample(names, 1);
      if (typeof key === 'string' && !(key in taken)) return key;
    }
    return undefined;
  }

  /** The instance type to generate: the first non-null of the listed types, else guessed. */
  private typeOf(schema: JsonSchema): string {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
    const named = types.filter((t): t is string => typeof t === 'string');
    const chosen = named.find((t) => t !== 'null') ?? named[0];
    if (chosen) return chosen;
    if ('properties' in schema || 'additionalProperties' in schema || 'required' in schema) {
      return 'object';
    }
    if ('items' in schema || 'prefixItems' in schema || 'minItems' in schema) return 'array';
    if ('minimum' in schema || 'maximum' in schema || 'multipleOf' in schema) return 'number';
    return 'string';
  }

  private typeAllows(schema: JsonSchema, value: unknown): boolean {
    if (schema.type === undefined) return true;
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value;
    return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
  }

  private onlyNull(schema: JsonSchema): boolean {
    return (
      schema.type === 'null' || (Array.isArray(schema.enum) && schema.enum.every((v) => v === null))
    );
  }

  private asObject(schema: unknown): JsonSchema {
    if (schema === false) return { not: {} };
    return isObject(schema) ? schema : {};
  }

  /** A local reference: a JSON pointer into the document (`#`, `#/$defs/x`, `#/definitions/x`). */
  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#')) return {};
    const path = ref
      .slice(1)
      .split('/')
      .slice(1)
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: unknown = this.root;
    for (const part of path) {
      if (!isObject(node) && !Array.isArray(node)) return {};
      node = (node as Record<string, unknown>)[part];
    }
    return this.asObject(node === true ? {} : node);
  }
}

/** Two schemas an instance must both satisfy, as one (for the keywords the sampler steers). */
function merge(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...a, ...b };
  const pick = (key: string, f: (x: number, y: number) => number) => {
    if (typeof a[key] === 'number' && typeof b[key] === 'number') out[key] = f(a[key], b[key]);
  };
  for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']) {
    pick(key, Math.max);
  }
  for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']) {
    pick(key, Math.min);
  }
  if (isObject(a.properties) && isObject(b.properties)) {
    const properties: JsonSchema = { ...a.properties };
    for (const [key, s] of Object.entries(b.properties)) {
      properties[key] = key in properties ? { allOf: [properties[key], s] } : s;
    }
    out.properties = properties;
  }
  if (Array.isArray(a.required) && Array.isArray(b.required)) {
    out.required = [...new Set([...(a.required as string[]), ...(b.required as string[])])];
  }
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) {
    const other = (b.enum as unknown[]).map((v) => JSON.stringify(v));
    out.enum = (a.enum as unknown[]).filter((v) => other.includes(JSON.stringify(v)));
  }
  if (a.type !== undefined && b.type !== undefined) {
    const list = (t: unknown) => (Array.isArray(t) ? (t as string[]) : [t as string]);
    const both = list(a.type).filter(
      (t) => list(b.type).includes(t) || (t === 'integer' && list(b.type).includes('number')),
    );
    const reverse = list(b.type).filter((t) => t === 'integer' && list(a.type).includes('number'));
    const types = [...new Set([...both, ...reverse])];
    if (types.length > 0) out.type = types.length === 1 ? types[0] : types;
  }
  return out;
}
