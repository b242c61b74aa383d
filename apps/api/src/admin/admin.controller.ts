import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  AdminGuard,
  AuthAdminError,
  TenantsService,
  type ApiKeyInfo,
  type CreatedApiKey,
  type Tenant,
} from '@switchboard/auth';
import { z } from 'zod';
import { problemResponses } from '../docs/openapi-refs';
import { ProblemException } from '../problems/problem';

const ACTOR = 'admin-api';
// Only the shape here: the name rules (length, characters) are the service's, answered 400.
const nameBody = z.strictObject({ name: z.string() });

/** Tenant and key administration; every action is written to the audit log. */
@ApiTags('admin')
@ApiSecurity('admin')
@UseGuards(AdminGuard)
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly tenants: TenantsService) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiBody({
    schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  })
  @ApiResponse(problemResponses(400, 401, 409, 422))
  createTenant(@Body() body: unknown): Promise<Tenant> {
    return this.run(() => this.tenants.createTenant(this.name(body), ACTOR));
  }

  @Get('tenants')
  @ApiOperation({ summary: 'List tenants' })
  listTenants(): Promise<Tenant[]> {
    return this.tenants.listTenants();
  }

  @Post('tenants/:tenantId/keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key; the key is shown in this answer only' })
  @ApiBody({
    schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  })
  @ApiResponse(problemResponses(400, 401, 404, 422))
  createKey(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<CreatedApiKey> {
    return this.run(() => this.tenants.createApiKey(tenantId, this.name(body), ACTOR));
  }

  @Get('tenants/:tenantId/keys')
  @ApiOperation({ summary: "List a tenant's keys (never the keys themselves)" })
  listKeys(@Param('tenantId') tenantId: string): Promise<ApiKeyInfo[]> {
    return this.run(() => this.tenants.listApiKeys(tenantId));
  }

  @Post('keys/:keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiResponse(problemResponses(401, 404))
  revokeKey(@Param('keyId') keyId: string): Promise<ApiKeyInfo> {
    return this.run(() => this.tenants.revokeApiKey(keyId, ACTOR));
  }

  private name(body: unknown): string {
    const parsed = nameBody.safeParse(body);
    if (!parsed.success) {
      throw new ProblemException(422, 'invalid-input', 'The body must be {"name": "<string>"}.');
    }
    return parsed.data.name;
  }

  private async run<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AuthAdminError)
        throw new ProblemException(error.httpStatus, error.code, error.message);
      throw error;
    }
  }
}
