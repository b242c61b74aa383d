import { ROLES, type Role } from '@switchboard/catalogue';

/** Boot refuses to start unless every role has exactly one handler. */
export class ActorRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Actor registration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ActorRegistrationError';
  }
}

export function checkActorCoverage(found: ReadonlyMap<Role, readonly string[]>): void {
  const problems: string[] = [];
  for (const role of ROLES) {
    const classes = found.get(role) ?? [];
    if (classes.length === 0)
      problems.push(`role '${role}' has no handler (add @Actor('${role}'))`);
    if (classes.length > 1) {
      problems.push(`role '${role}' has ${classes.length} handlers: ${classes.join(', ')}`);
    }
  }
  if (problems.length > 0) throw new ActorRegistrationError(problems);
}
