import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  Actor,
  ACTOR_ROLE,
  ActorRegistrationError,
  ActorRegistry,
  ROLE_ACTORS,
  type ActorHandler,
} from '@switchboard/actors';
import type { JobResult } from '@switchboard/catalogue';

// The boot check: Nest discovers every @Actor class, and the app refuses to start unless each
// role has exactly one. These modules hold the registry and actors only (they need no I/O).

@Actor('chat')
class SecondChatActor implements ActorHandler<'chat'> {
  async handle(): Promise<JobResult<'chat'>> {
    throw new Error('never called');
  }
}

const roleOf = (actor: object): unknown => Reflect.getMetadata(ACTOR_ROLE, actor);

async function boot(actors: unknown[]): Promise<ActorRegistry> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [ActorRegistry, ...(actors as (new () => object)[])],
  }).compile();
  try {
    await moduleRef.init();
    return moduleRef.get(ActorRegistry);
  } finally {
    await moduleRef.close();
  }
}

describe('actor registration is checked at boot', () => {
  it('boots with one actor per role, and finds each by its role', async () => {
    const registry = await boot(ROLE_ACTORS);
    for (const actor of ROLE_ACTORS) {
      const role = roleOf(actor) as Parameters<ActorRegistry['handlerFor']>[0];
      expect(registry.handlerFor(role)).toBeInstanceOf(actor);
    }
  });

  it('refuses two handlers for one role, naming both classes', async () => {
    const failure = boot([...ROLE_ACTORS, SecondChatActor]);
    await expect(failure).rejects.toBeInstanceOf(ActorRegistrationError);
    await expect(failure).rejects.toThrow(/role 'chat' has 2 handlers: ChatActor, SecondChatActor/);
  });

  it('refuses a role without a handler, naming the role', async () => {
    const failure = boot(ROLE_ACTORS.filter((a) => roleOf(a) !== 'judge'));
    await expect(failure).rejects.toThrow(/role 'judge' has no handler \(add @Actor\('judge'\)\)/);
  });

  it('reports every problem at once', async () => {
    const withoutCoder = ROLE_ACTORS.filter((a) => roleOf(a) !== 'coder');
    const error = await boot([...withoutCoder, SecondChatActor]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActorRegistrationError);
    expect((error as ActorRegistrationError).problems).toEqual([
      "role 'chat' has 2 handlers: ChatActor, SecondChatActor",
      "role 'coder' has no handler (add @Actor('coder'))",
    ]);
  });
});
