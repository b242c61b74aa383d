import { Injectable, SetMetadata } from '@nestjs/common';
import type { CapabilityName, CapabilityProvider } from './capability.types';

export const CAPABILITY_NAME = Symbol('switchboard:capability-name');

/**
 * Registers a provider as the builder of `ctx[name]`. Found at boot like @Actor handlers; two
 * providers for one name refuse to boot.
 */
export function Capability<K extends CapabilityName>(name: K) {
  return <T extends new (...args: never[]) => CapabilityProvider<K>>(target: T): void => {
    Injectable()(target);
    SetMetadata(CAPABILITY_NAME, name)(target);
  };
}
