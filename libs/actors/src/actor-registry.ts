import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Role } from '@switchboard/catalogue';
import { checkActorCoverage } from './actor-coverage';
import { ACTOR_ROLE } from './actor.decorator';
import type { ActorHandler } from './actor.types';

/** Finds every @Actor class at boot and checks each role has exactly one. */
@Injectable()
export class ActorRegistry implements OnModuleInit {
  private readonly handlers = new Map<Role, ActorHandler<Role>>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = new Map<Role, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      const instance: unknown = wrapper.instance;
      if (!metatype || !instance) continue;
      const role = Reflect.getMetadata(ACTOR_ROLE, metatype) as Role | undefined;
      if (!role) continue;
      found.set(role, [...(found.get(role) ?? []), metatype.name]);
      this.handlers.set(role, instance as ActorHandler<Role>);
    }
    checkActorCoverage(found);
  }

  handlerFor<R extends Role>(role: R): ActorHandler<R> {
    const handler = this.handlers.get(role);
    if (!handler) throw new Error(`No actor for role '${role}'`);
    return handler;
  }
}
