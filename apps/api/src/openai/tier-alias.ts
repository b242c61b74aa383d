import { TIERS, type Tier } from '@switchboard/catalogue';

/**
 * Model names that stand for a whole tier: `tier-1` lets the router pick any tier-1 model
 * (with failover across them), where a catalogue model name pins one model.
 */
export const TIER_ALIASES: readonly { name: string; tier: Tier }[] = TIERS.map((tier) => ({
  name: `tier-${tier}`,
  tier,
}));

export function tierOfAlias(name: string): Tier | undefined {
  return TIER_ALIASES.find((alias) => alias.name === name)?.tier;
}
