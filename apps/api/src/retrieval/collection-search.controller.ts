import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import type { SearchResults } from '@switchboard/retrieval';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CollectionSearchService } from './collection-search.service';

@ApiTags('Retrieval')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/collections')
export class CollectionSearchController {
  constructor(private readonly searches: CollectionSearchService) {}

  @Post(':id/search')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Search a collection (dense, keyword or hybrid; rerank, rewriting, context)',
    description:
      'Body {query, mode?, k?, filter?, fusion?, rerank?, rewrite?, contextTokens?}. 400 names ' +
      'the bad field (filters included), 404 for an unknown collection, 503 when the store is ' +
      'down. The LLM calls are budgeted for the tenant. See docs/retrieval.md.',
  })
  async search(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SearchResults> {
    const requestId = randomUUID();
    res.setHeader('X-Switchboard-Request-Id', requestId);
    const client = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) client.abort();
    });
    return this.searches.run(principal, id, body, requestId, client.signal);
  }
}
