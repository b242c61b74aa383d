import { InvalidApiKeyNameError, InvalidTenantNameError } from './auth.errors';
import { assertActor, assertTenantName, isUuid, normaliseApiKeyName } from './auth.validation';

describe('tenant names', () => {
  it.each(['acme', 'a', '0day', 'acme-corp', 'acme_corp.eu', 'a'.repeat(100)])(
    'accepts %s',
    (name) => expect(assertTenantName(name)).toBe(name),
  );

  it.each(['', 'Acme', '-acme', '.acme', '_acme', 'acme corp', 'acmé', 'a/b', 'a'.repeat(101)])(
    'refuses "%s"',
    (name) => expect(() => assertTenantName(name)).toThrow(InvalidTenantNameError),
  );
});

describe('api key names', () => {
  it('are trimmed', () => expect(normaliseApiKeyName('  ci deploy ')).toBe('ci deploy'));

  it.each(['', '   ', 'x'.repeat(101), 'a\nb', 'tab\there'])('refuses %j', (name) =>
    expect(() => normaliseApiKeyName(name)).toThrow(InvalidApiKeyNameError),
  );
});

describe('isUuid', () => {
  it('tells uuids from other strings', () => {
    expect(isUuid('3f2a6c1e-9b1d-4c7e-8f00-0123456789ab')).toBe(true);
    expect(isUuid('3f2a6c1e-9b1d-4c7e-8f00-0123456789a')).toBe(false);
    expect(isUuid("1' OR 1=1")).toBe(false);
  });
});

describe('audit actors', () => {
  it('accepts the names our own code writes', () => {
    expect(assertActor('cli')).toBe('cli');
    expect(assertActor('a'.repeat(100))).toBe('a'.repeat(100));
  });

  it.each(['', 'a'.repeat(101)])('treats %j as a bug, not a client error', (actor) =>
    expect(() => assertActor(actor)).toThrow(`Invalid audit actor "${actor}"`),
  );
});
