import { ROLES, type Role } from '@switchboard/catalogue';
import { ActorRegistrationError, checkActorCoverage } from './actor-coverage';

const complete = () => new Map<Role, string[]>(ROLES.map((r) => [r, [`${r}Actor`]]));

describe('checkActorCoverage', () => {
  it('accepts one handler per role', () => {
    expect(() => checkActorCoverage(complete())).not.toThrow();
  });

  it('names a role with no handler', () => {
    const found = complete();
    found.delete('judge');
    expect(() => checkActorCoverage(found)).toThrow(/role 'judge' has no handler/);
  });

  it('names both classes when a role has two handlers', () => {
    const found = complete();
    found.set('coder', ['CoderActor', 'OtherCoderActor']);
    expect(() => checkActorCoverage(found)).toThrow(ActorRegistrationError);
    expect(() => checkActorCoverage(found)).toThrow(
      /'coder' has 2 handlers: CoderActor, OtherCoderActor/,
    );
  });
});
