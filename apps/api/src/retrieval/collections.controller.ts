import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { problemResponses, ref } from '../docs/openapi-refs';
import { CollectionsService } from './collections.service';
import type { CollectionView } from './retrieval.views';

@ApiTags('collections')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/collections')
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a collection',
    description:
      '`embeddingModel` is a catalogue key or id of an `embeddings` model; a private collection ' +
      'needs a local one. `fields` declares filterable metadata beyond the built-in ones.',
  })
  @ApiBody({ schema: ref('CreateCollection') })
  @ApiResponse({ status: 201, schema: ref('Collection') })
  @ApiResponse(problemResponses(400, 401, 409, 429, 503))
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CollectionView> {
    return this.collections.create(principal, body);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's collections, newest first" })
  @ApiResponse({ status: 200, schema: ref('CollectionList') })
  @ApiResponse(problemResponses(401, 429))
  async list(@CurrentPrincipal() principal: Principal): Promise<{ data: CollectionView[] }> {
    return { data: await this.collections.list(principal) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A collection, with its document counts by status' })
  @ApiResponse({ status: 200, schema: ref('Collection') })
  @ApiResponse(problemResponses(401, 404, 429))
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<CollectionView> {
    return this.collections.get(principal, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a collection, its documents and its data in the store' })
  @ApiResponse({ status: 204 })
  @ApiResponse(problemResponses(401, 404, 429, 503))
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.collections.delete(principal, id);
  }
}
