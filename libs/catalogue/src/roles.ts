/** Actor types. Each role has one mailbox per tier. */
export const ROLES = [
  'chat',
  'planner',
  'coder',
  'reviewer',
  'researcher',
  'browser',
  'judge',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
