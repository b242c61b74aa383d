import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '@switchboard/auth';
import { LlmService } from '@switchboard/llm';
import { problemResponses, ref } from '../docs/openapi-refs';
import { toModelView, toProviderView, type ModelView, type ProviderView } from './llm-views';

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
    summary: 'The model catalogue, in OpenAI list format with tiers, capabilities and prices',
  })
  @ApiResponse({ status: 200, schema: ref('ModelList') })
  @ApiResponse(problemResponses(401, 429))
  models(): { object: 'list'; data: ModelView[] } {
    return { object: 'list', data: this.llm.models().map(toModelView) };
  }
}
