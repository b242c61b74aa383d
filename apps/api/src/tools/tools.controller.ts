import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '@switchboard/auth';
import { ROLES, TIERS, type Tier } from '@switchboard/catalogue';
import { ToolRegistry, mustStayLocal, roleAllows } from '@switchboard/tools';
import { problemResponses, ref } from '../docs/openapi-refs';
import { ProblemException } from '../problems/problem';
import { listToolsQuerySchema } from './list-tools.query';
import { toToolView, type ToolView } from './tool.view';

@ApiTags('tools')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/tools')
export class ToolsController {
  constructor(private readonly registry: ToolRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'The tools agents can call (built-in and MCP), filtered by what a job may use',
    description:
      "`role`: only tools on that role's allowlist. `tier=0` or `privacy=true`: only tools " +
      "that keep everything on the machine (privacyCompatible). Jobs narrow their role's list " +
      'further with `allowedTools` at submission.',
  })
  @ApiQuery({ name: 'role', required: false, enum: [...ROLES] })
  @ApiQuery({ name: 'tier', required: false, enum: [...TIERS] })
  @ApiQuery({ name: 'privacy', required: false, type: Boolean })
  @ApiResponse({ status: 200, schema: ref('ToolList') })
  @ApiResponse(problemResponses(400, 401, 429))
  list(@Query() query: unknown): { data: ToolView[] } {
    const parsed = listToolsQuerySchema.safeParse(query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        field: i.path.join('.') || '(query)',
        message: i.message,
      }));
      throw new ProblemException(
        400,
        'invalid-query',
        errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        { errors },
      );
    }
    const { role, tier, privacy } = parsed.data;
    const local = mustStayLocal({ tier: (tier ?? 1) as Tier, privacy: privacy === 'true' });
    const tools = this.registry
      .all()
      .filter((t) => (!role || roleAllows(role, t)) && (!local || t.privacyCompatible));
    return { data: tools.map(toToolView) };
  }
}
