import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Config } from '@switchboard/config';
import type {
  LlmClient,
  LlmProvider,
  LlmRequest,
  LlmResponse,
  LlmRouting,
  LlmStreamEvent,
} from './llm.types';
import { SimulatedProvider } from './simulated.provider';

/** Refused at boot: production without real providers, or with the simulated one not allowed. */
export class SimulatedProviderRefusedError extends Error {
  constructor() {
    super(
      'The simulated LLM provider is refused in production. Configure real providers, ' +
        'or set LLM_ALLOW_SIMULATED=true to run it on purpose.',
    );
    this.name = 'SimulatedProviderRefusedError';
  }
}

/**
 * Gives each job an `LlmClient` bound to its tier, privacy and abort signal. Only the
 * simulated provider exists so far; the tiered router will sit behind the same interface.
 */
@Injectable()
export class LlmService implements OnModuleInit {
  private provider!: LlmProvider;

  constructor(private readonly config: Config) {}

  onModuleInit(): void {
    if (!this.config.llm.allowSimulated) throw new SimulatedProviderRefusedError();
    this.provider = new SimulatedProvider(this.config.llm);
  }

  clientFor(routing: LlmRouting): LlmClient {
    const provider = this.provider;
    return {
      chat: (request: LlmRequest): Promise<LlmResponse> => provider.chat(request, routing),
      stream: (request: LlmRequest): AsyncIterable<LlmStreamEvent> =>
        provider.stream(request, routing),
    };
  }
}
