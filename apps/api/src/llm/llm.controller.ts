import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '@switchboard/auth';
import { LlmService } from '@switchboard/llm';
import { problemResponses, ref } from '../docs/openapi-refs';
import { OpenAiException } from '../openai/openai-error';
import { openAiErrorResponses } from '../openai/openai-openapi';
import { TIER_ALIASES } from '../openai/tier-alias';
import {
  toModelView,
  toProviderView,
  toTierAliasView,
  type ModelView,
  type ProviderView,
  type TierAliasView,
} from './llm-views';

type ModelEntry = TierAliasView | ModelView;

@ApiTags('providers and models')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1')
export class LlmController {
  constructor(private readonly llm: LlmService) {}

  @Get('providers')
  @ApiOperation({
    summary: "Each provider's health check, circuit breaker state and 429 cooldown",
  })
  @ApiResponse({ status: 200, schema: ref('ProviderList') })
  @ApiResponse(problemResponses(401, 429))
  async providers(): Promise<{ data: ProviderView[] }> {
    const statuses = await this.llm.providers();
    const now = Date.now();
    return { data: statuses.map((s) => toProviderView(s, now)) };
  }

  @Get('models')
  @ApiOperation({
    summary:
      'The tier aliases and the model catalogue, in OpenAI list format with tiers, ' +
      'capabilities and prices (OpenAI-shaped errors)',
  })
  @ApiResponse({ status: 200, schema: ref('ModelList') })
  @ApiResponse(openAiErrorResponses(401, 429))
  models(): { object: 'list'; data: ModelEntry[] } {
    return { object: 'list', data: this.entries() };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'One model or tier alias, as OpenAI retrieves a model' })
  @ApiResponse({ status: 200, schema: { oneOf: [ref('ModelAlias'), ref('Model')] } })
  @ApiResponse(openAiErrorResponses(401, 404, 429))
  model(@Param('model') name: string): ModelEntry {
    const entry = this.entries().find((m) => m.id === name);
    if (entry) return entry;
    throw new OpenAiException(404, {
      message: `The model '${name}' does not exist.`,
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  }

  private entries(): ModelEntry[] {
    return [...TIER_ALIASES.map(toTierAliasView), ...this.llm.models().map(toModelView)];
  }
}
