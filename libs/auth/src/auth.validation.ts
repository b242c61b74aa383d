import { InvalidApiKeyNameError, InvalidTenantNameError } from './auth.errors';

export const TENANT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Labels end up in terminals and admin pages: no control characters.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function assertTenantName(name: string): string {
  if (!TENANT_NAME_PATTERN.test(name)) throw new InvalidTenantNameError(name);
  return name;
}

/** Trims the label and checks it fits the column. */
export function normaliseApiKeyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100 || CONTROL_CHARACTERS.test(trimmed)) {
    throw new InvalidApiKeyNameError();
  }
  return trimmed;
}

/** Actors are written by our own code ('cli', 'admin-api'); a bad one is a bug. */
export function assertActor(actor: string): string {
  if (actor.length < 1 || actor.length > 100) throw new Error(`Invalid audit actor "${actor}"`);
  return actor;
}

/** Postgres rejects a malformed uuid with an error; for lookups it simply means "not found". */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
