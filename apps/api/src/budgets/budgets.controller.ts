import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { problemResponses, ref } from '../docs/openapi-refs';
import { AdminOrApiKeyGuard } from './admin-or-api-key.guard';
import type { BudgetPoolView, BudgetStatusView } from './budget.view';
import { BudgetsService } from './budgets.service';
import { CurrentCaller, type Caller } from './caller';

const TENANT_QUERY = {
  name: 'tenantId',
  required: false,
  description: 'admin token only, and required there; an API key acts on its own tenant',
};

@ApiTags('budgets and costs')
@ApiSecurity('apiKey')
@ApiSecurity('admin')
@UseGuards(AdminOrApiKeyGuard)
@Controller('v1/budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  // Declared before `:id` so that "status" is never taken for a pool id.
  @Get('status')
  @ApiOperation({
    summary: "Each pool's current period: limit, spent, reserved and remaining, in micros and $",
  })
  @ApiQuery(TENANT_QUERY)
  @ApiQuery({
    name: 'apiKeyId',
    required: false,
    description: "only pools that apply to a key's calls",
  })
  @ApiQuery({ name: 'jobId', required: false, description: "job pools' counters for this job" })
  @ApiResponse({ status: 200, schema: ref('BudgetStatusList') })
  @ApiResponse(problemResponses(400, 401, 403, 404, 429))
  status(
    @CurrentCaller() caller: Caller,
    @Query() query: unknown,
  ): Promise<{ data: BudgetStatusView[] }> {
    return this.budgets.status(caller, query);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a budget pool (API keys: api_key pools of their own tenant only)',
  })
  @ApiBody({ schema: ref('BudgetPoolCreate') })
  @ApiResponse({ status: 201, schema: ref('BudgetPool') })
  @ApiResponse(problemResponses(400, 401, 403, 404, 413, 415, 422, 429))
  create(@CurrentCaller() caller: Caller, @Body() body: unknown): Promise<BudgetPoolView> {
    return this.budgets.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's budget pools" })
  @ApiQuery(TENANT_QUERY)
  @ApiResponse({ status: 200, schema: ref('BudgetPoolList') })
  @ApiResponse(problemResponses(400, 401, 403, 404, 429))
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: unknown,
  ): Promise<{ data: BudgetPoolView[] }> {
    return this.budgets.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One budget pool' })
  @ApiResponse({ status: 200, schema: ref('BudgetPool') })
  @ApiResponse(problemResponses(401, 404, 429))
  get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<BudgetPoolView> {
    return this.budgets.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change limit, mode, thresholds, timezone or webhook of a pool' })
  @ApiBody({ schema: ref('BudgetPoolUpdate') })
  @ApiResponse({ status: 200, schema: ref('BudgetPool') })
  @ApiResponse(problemResponses(400, 401, 403, 404, 413, 415, 422, 429))
  update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<BudgetPoolView> {
    return this.budgets.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a budget pool (its alerts go with it)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(problemResponses(401, 403, 404, 429))
  remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    return this.budgets.remove(caller, id);
  }
}
