import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ActorRegistrationError } from '../actor-coverage';
import { CAPABILITY_NAME } from './capability.decorator';
import type { ActorCapabilities, CapabilityProvider, CapabilityScope } from './capability.types';

/** Finds every @Capability provider at boot and attaches them to each run's context. */
@Injectable()
export class CapabilityRegistry implements OnModuleInit {
  private readonly providers = new Map<string, CapabilityProvider>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      const instance: unknown = wrapper.instance;
      if (!metatype || !instance) continue;
      const name = Reflect.getMetadata(CAPABILITY_NAME, metatype) as string | undefined;
      if (!name) continue;
      found.set(name, [...(found.get(name) ?? []), metatype.name]);
      this.providers.set(name, instance as CapabilityProvider);
    }
    const twice = [...found].filter(([, classes]) => classes.length > 1);
    if (twice.length > 0) {
      throw new ActorRegistrationError(
        twice.map(
          ([name, classes]) => `capability '${name}' has two providers: ${classes.join(', ')}`,
        ),
      );
    }
  }

  names(): string[] {
    return [...this.providers.keys()];
  }

  /**
   * Defines each capability on `target` as a getter built on first use, so a run pays only for
   * what its actor touches. A capability whose lib is not loaded in this process is absent.
   */
  attach<T extends object>(target: T, scope: CapabilityScope): T & ActorCapabilities {
    for (const [name, provider] of this.providers) {
      let built: unknown;
      Object.defineProperty(target, name, {
        enumerable: true,
        get: () => (built ??= provider.forRun(scope)),
      });
    }
    const attached: object = target; // its type gains the capabilities only now
    return attached as T & ActorCapabilities;
  }
}
