import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { problemResponses, ref } from '../docs/openapi-refs';
import { AdminOrApiKeyGuard } from '../budgets/admin-or-api-key.guard';
import { CurrentCaller, type Caller } from '../budgets/caller';
import { COST_GROUPS, DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS } from './costs-query';
import { CostsService, type CostReport } from './costs.service';

@ApiTags('budgets and costs')
@ApiSecurity('apiKey')
@ApiSecurity('admin')
@UseGuards(AdminOrApiKeyGuard)
@Controller('v1/costs')
export class CostsController {
  constructor(private readonly costs: CostsService) {}

  @Get()
  @ApiOperation({
    summary: 'LLM spend of the tenant per UTC day, tier, provider, model or role',
    description:
      `Whole UTC days from \`from\` to \`to\` (both included; default the last ` +
      `${DEFAULT_RANGE_DAYS} days, at most ${MAX_RANGE_DAYS}). Each day is read from exactly ` +
      'one source: the daily rollup once it is complete, raw invocation rows otherwise ' +
      '(today, and any day the rollup has not sealed); `sources` says which.',
  })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date' } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date' } })
  @ApiQuery({ name: 'groupBy', required: false, enum: COST_GROUPS })
  @ApiQuery({ name: 'tenantId', required: false, description: 'admin token only; required there' })
  @ApiResponse({ status: 200, schema: ref('CostReport') })
  @ApiResponse(problemResponses(400, 401, 403, 404, 429))
  report(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<CostReport> {
    return this.costs.report(caller, query);
  }
}
