import { Injectable, SetMetadata } from '@nestjs/common';
import type { Role } from '@switchboard/catalogue';
import type { ActorHandler } from './actor.types';

export const ACTOR_ROLE = Symbol('switchboard:actor-role');

/**
 * Registers a class as the handler of one role. The type parameter ties the class's
 * `handle` signature to the role's catalogue schemas, so they cannot drift.
 */
export function Actor<R extends Role>(role: R) {
  return <T extends new (...args: never[]) => ActorHandler<R>>(target: T): void => {
    Injectable()(target);
    SetMetadata(ACTOR_ROLE, role)(target);
  };
}
