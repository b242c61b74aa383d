import { InvalidBudgetPoolError } from './budget.errors';
import {
  validLimit,
  validNewPool,
  validPatch,
  validThresholds,
  validTimezone,
  validWebhookUrl,
  type NewBudgetPool,
} from './budget-pool.validation';

const TENANT = '3f2a6c1e-9b1d-4c7e-8f00-0123456789ab';
const KEY = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** The field an input is refused for, or undefined when it is accepted. */
const refusedField = (check: () => unknown): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidBudgetPoolError);
    return (error as InvalidBudgetPoolError).field;
  }
};

describe('budget pool validation', () => {
  const base: NewBudgetPool = {
    tenantId: TENANT,
    scope: 'tenant',
    period: 'daily',
    limitMicros: 5,
  };

  it('fills the defaults of a minimal definition', () => {
    expect(validNewPool(base)).toEqual({
      ...base,
      apiKeyId: null,
      mode: 'hard',
      thresholds: [80, 90, 95, 100],
      timezone: 'UTC',
      webhookUrl: null,
      createdBy: 'admin',
      createdByKeyId: null,
    });
  });

  it("keeps a tenant key's own pool and its creating key", () => {
    expect(
      validNewPool({
        ...base,
        scope: 'job',
        period: 'lifetime',
        apiKeyId: KEY,
        createdBy: 'tenant',
        createdByKeyId: KEY,
        timezone: 'europe/paris',
      }),
    ).toMatchObject({ scope: 'job', apiKeyId: KEY, createdByKeyId: KEY, timezone: 'Europe/Paris' });
  });

  it.each<[Partial<NewBudgetPool>, string]>([
    [{ tenantId: 'acme' }, 'tenantId'],
    [{ tenantId: 42 as never }, 'tenantId'],
    [{ scope: 'team' as never }, 'scope'],
    [{ period: 'hourly' as never }, 'period'],
    [{ scope: 'api_key', apiKeyId: 'key-1' }, 'apiKeyId'],
    [{ scope: 'job', period: 'monthly' }, 'period'],
    [{ limitMicros: 1.5 }, 'limitMicros'],
    [{ timezone: 'x'.repeat(65) }, 'timezone'],
    [{ thresholds: Array.from({ length: 21 }, (_, i) => i + 1) }, 'thresholds'],
    [{ thresholds: [1001] }, 'thresholds'],
    [{ thresholds: [50.5] }, 'thresholds'],
    [{ webhookUrl: 'not a url' }, 'webhookUrl'],
    [{ webhookUrl: `https://example.com/${'a'.repeat(2000)}` }, 'webhookUrl'],
  ])('refuses %j on %s', (change, field) => {
    expect(refusedField(() => validNewPool({ ...base, ...change }))).toBe(field);
  });

  it('takes limits up to 2^53 - 1 and thresholds up to 1000 %, sorted and unique', () => {
    expect(validLimit(0)).toBe(0);
    expect(validLimit(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(validThresholds([150, 80, 80, 1000])).toEqual([80, 150, 1000]);
  });

  it('refuses thresholds that are not a list', () => {
    expect(refusedField(() => validThresholds('80' as never))).toBe('thresholds');
  });

  it('reads an empty or missing webhook as none, and refuses a zone that is not a string', () => {
    expect(validWebhookUrl('')).toBeNull();
    expect(validWebhookUrl(undefined)).toBeNull();
    expect(validWebhookUrl('http://hooks.example.com/b')).toBe('http://hooks.example.com/b');
    expect(refusedField(() => validTimezone(3 as never))).toBe('timezone');
  });

  it('checks only what a patch changes', () => {
    expect(validPatch({})).toEqual({});
    expect(
      validPatch({
        limitMicros: 7,
        mode: 'soft',
        thresholds: [90, 50],
        timezone: 'utc',
        webhookUrl: '',
      }),
    ).toEqual({
      limitMicros: 7,
      mode: 'soft',
      thresholds: [50, 90],
      timezone: 'UTC',
      webhookUrl: null,
    });
    expect(refusedField(() => validPatch({ mode: 'loose' as never }))).toBe('mode');
    expect(refusedField(() => validPatch({ limitMicros: -5 }))).toBe('limitMicros');
    expect(refusedField(() => validPatch({ timezone: 'Nowhere/Land' }))).toBe('timezone');
  });
});
