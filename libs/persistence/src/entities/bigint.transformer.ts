import type { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; our amounts (micro-dollars, tokens) fit in a JS number. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
