import type { JsonSchema } from '../messages/llm-message';
import { compile, patternSample } from './simulated-pattern';

/** Deterministic draws: `int(n)` is in [0, n). */
export interface Draw {
  int(n: number): number;
}

const WORDS = (
  'plan agent queue token budget route model stream result review code test ' +
  'step check build deploy worker tier cost answer source fact draft final'
).split(' ');

/** Sensible values for the common `format`s, most readable first. */
const FORMAT_VALUES: Record<string, string[]> = {
  'date-time': ['2025-01-15T09:30:00Z', '2025-01-15T09:30:00.000Z', '2025-01-15T09:30:00+00:00'],
  date: ['2025-01-15'],
  time: ['09:30:00Z', '09:30:00', '09:30'],
  duration: ['PT1H', 'P1D'],
  email: ['user@example.com'],
  'idn-email': ['user@example.com'],
  hostname: ['example.com'],
  'idn-hostname': ['example.com'],
  ipv4: ['192.0.2.1'],
  ipv6: ['2001:db8::1'],
  uri: ['https://example.com/simulated'],
  url: ['https://example.com/simulated'],
  'uri-reference': ['https://example.com/simulated'],
  iri: ['https://example.com/simulated'],
  'iri-reference': ['https://example.com/simulated'],
  'uri-template': ['https://example.com/{id}'],
  'json-pointer': ['/simulated'],
  'relative-json-pointer': ['0/simulated'],
  regex: ['^[a-z]+$'],
  byte: ['c2ltdWxhdGVk'],
  base64: ['c2ltdWxhdGVk'],
  base64url: ['c2ltdWxhdGVk'],
};

const codePoints = (s: string) => [...s].length;

/** A string valid against the schema's format, pattern and length bounds, when one is found. */
export function sampleString(schema: JsonSchema, draw: Draw): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const pattern = typeof schema.pattern === 'string' ? compile(schema.pattern) : undefined;
  const fits = (s: string | undefined): s is string =>
    s !== undefined &&
    codePoints(s) >= minLength &&
    codePoints(s) <= maxLength &&
    (!pattern || pattern.test(s));
  const format = typeof schema.format === 'string' ? schema.format : '';
  const first = WORDS[draw.int(WORDS.length)];
  const second = WORDS[draw.int(WORDS.length)];
  const candidates = [
    ...(FORMAT_VALUES[format] ?? []),
    ...(format === 'uuid' ? [uuid(draw)] : []),
    `simulated ${first} ${second}`,
  ];
  const direct = candidates.find(fits);
  if (direct !== undefined) return direct;
  if (typeof schema.pattern === 'string') {
    const variant = draw.int(6);
    for (const extra of [0, 1, 2, 4, 8, 16, 32, 64]) {
      for (const v of [variant, 0]) {
        const sampled = patternSample(schema.pattern, extra, v);
        if (fits(sampled)) return sampled;
      }
    }
  }
  // Only the length bounds left to meet (or a pattern beyond the sampler: the plain text).
  const plain = `simulated ${first} ${second}`;
  const padded = plain.padEnd(minLength, ` ${first}`);
  return [...padded].slice(0, maxLength).join('');
}

/** A version-4 UUID from the draws. */
function uuid(draw: Draw): string {
  const hex = Array.from({ length: 32 }, () => draw.int(16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * A number within the schema's bounds (inclusive, `exclusive*` in both the draft-04 boolean
 * and the later numeric form) that is a multiple of `multipleOf` by ajv's own test
 * (`value / multipleOf` is an integer), preferring small integers.
 */
export function sampleNumber(schema: JsonSchema, integer: boolean, draw: Draw): number {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  let lo = num(schema.minimum) ?? -Infinity;
  let hi = num(schema.maximum) ?? Infinity;
  let loOpen = schema.exclusiveMinimum === true;
  let hiOpen = schema.exclusiveMaximum === true;
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  if (exMin !== undefined && exMin >= lo) [lo, loOpen] = [exMin, true];
  if (exMax !== undefined && exMax <= hi) [hi, hiOpen] = [exMax, true];
  const step = num(schema.multipleOf);
  const ok = (v: number) =>
    Number.isFinite(v) &&
    (loOpen ? v > lo : v >= lo) &&
    (hiOpen ? v < hi : v <= hi) &&
    (!integer || Number.isInteger(v)) &&
    (!step || step <= 0 || Number.isInteger(v / step));
  // The window the draws pick from: up to 100 wide, at the low end when bounded below.
  const from = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? Math.min(hi - 100, 0) : 0;
  const to = Math.min(Number.isFinite(hi) ? hi : Infinity, from + 100);
  const candidates: number[] = [];
  if (step && step > 0) {
    const k0 = Math.ceil(from / step);
    const span = Math.max(0, Math.floor((to - from) / step));
    const pick = k0 + draw.int(Math.min(span, 100) + 1);
    candidates.push(...[pick, ...Array.from({ length: 50 }, (_, i) => k0 + i)].map(multiple(step)));
  } else {
    const pick = Math.ceil(from) + draw.int(Math.max(1, Math.floor(to - Math.ceil(from)) + 1));
    candidates.push(pick, ...Array.from({ length: 3 }, (_, i) => Math.ceil(from) + i));
    if (!integer) candidates.push((lo + hi) / 2, from + 0.5);
  }
  return candidates.find(ok) ?? (Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0);
}

/** k × step, rounded to step's decimals so 7 × 0.01 is 0.07 (not 0.07000000000000001). */
function multiple(step: number): (k: number) => number {
  const decimals = (String(step).split('.')[1] ?? '').length;
  return (k) => (decimals > 0 ? Number((k * step).toFixed(Math.min(decimals, 20))) : k * step);
}
