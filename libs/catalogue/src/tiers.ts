/** Quality and cost classes: 0 = local and private ... 3 = premium. */
export const TIERS = [0, 1, 2, 3] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_DESCRIPTIONS: Record<Tier, string> = {
  0: 'local and private: nothing leaves the machine',
  1: 'economy hosted models',
  2: 'standard models, vision',
  3: 'premium models',
};

export function isTier(value: unknown): value is Tier {
  return typeof value === 'number' && (TIERS as readonly number[]).includes(value);
}
