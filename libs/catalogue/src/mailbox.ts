import { ROLES, isRole, type Role } from './roles';
import { TIERS, type Tier } from './tiers';

/** Queue names are a public contract: `agent.<role>.t<tier>`. Renaming one needs a migration. */
export type MailboxName = `agent.${Role}.t${Tier}`;

export function mailboxName(role: Role, tier: Tier): MailboxName {
  return `agent.${role}.t${tier}`;
}

export const ALL_MAILBOXES: readonly MailboxName[] = ROLES.flatMap((role) =>
  TIERS.map((tier) => mailboxName(role, tier)),
);

export function parseMailbox(name: string): { role: Role; tier: Tier } | undefined {
  const match = /^agent\.([a-z]+)\.t([0-3])$/.exec(name);
  if (!match || !isRole(match[1])) return undefined;
  return { role: match[1], tier: Number(match[2]) as Tier };
}
