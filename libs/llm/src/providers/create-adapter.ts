import type { LlmConfig } from '@switchboard/config';
import { AnthropicAdapter } from './anthropic.adapter';
import { OllamaAdapter } from './ollama.adapter';
import { OpenAiAdapter } from './openai.adapter';
import type { ProviderAdapter, ProviderSettings } from './provider.types';
import { SimulatedAdapter } from './simulated.adapter';

/** Builds the adapter for one configured provider; the SDK clients open no connection yet. */
export function createAdapter(
  settings: ProviderSettings,
  simulated?: Pick<LlmConfig, 'simulatedLatencyMs' | 'simulatedTokensPerSecond'>,
): ProviderAdapter {
  switch (settings.kind) {
    case 'openai':
      return new OpenAiAdapter(settings);
    case 'anthropic':
      return new AnthropicAdapter(settings);
    case 'ollama':
      return new OllamaAdapter(settings);
    case 'simulated':
      if (!simulated) throw new Error(`provider ${settings.name}: simulated settings missing`);
      return new SimulatedAdapter(settings.name, simulated);
  }
}
