import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UploadedFiles,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { DOCUMENT_STATUSES, type DocumentStatus } from '@switchboard/retrieval';
import type { Request } from 'express';
import { problemResponses, ref } from '../docs/openapi-refs';
import { DocumentsService } from './documents.service';
import { uploadItems, type UploadedFile } from './upload-items';
import { invalidInput } from './retrieval-problems';
import type { DocumentView } from './retrieval.views';

@ApiTags('collections')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('v1/collections/:id/documents')
export class CollectionDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(AnyFilesInterceptor())
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiOperation({
    summary: 'Upload documents to ingest',
    description:
      'multipart/form-data: one or more files, an optional `metadata` field (JSON: one object ' +
      'for all files, or an array with one per file) and an optional `type`. Or JSON ' +
      '`{documents:[{source, text|contentBase64, type?, metadata?}]}`. Each document is ' +
      'queued for ingestion; content already in the collection is not added again ' +
      '(`duplicate: true`).',
  })
  @ApiBody({ schema: ref('UploadDocuments') })
  @ApiResponse({ status: 202, schema: ref('DocumentList') })
  @ApiResponse(problemResponses(400, 401, 404, 413, 429))
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() req: Request,
    @Body() body: unknown,
    @UploadedFiles() files: UploadedFile[] | undefined,
  ): Promise<{ data: DocumentView[] }> {
    const items = uploadItems(
      req.is('multipart/form-data') ? { files: files ?? [], fields: body } : body,
    );
    return { data: await this.documents.upload(principal, id, items) };
  }

  @Get()
  @ApiOperation({ summary: "The collection's documents, newest first (`status` filters)" })
  @ApiResponse({ status: 200, schema: ref('DocumentList') })
  @ApiResponse(problemResponses(400, 401, 404, 429))
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('status') status?: string,
  ): Promise<{ data: DocumentView[] }> {
    if (status !== undefined && !(DOCUMENT_STATUSES as readonly string[]).includes(status)) {
      throw invalidInput([{ field: 'status', message: `one of ${DOCUMENT_STATUSES.join(', ')}` }]);
    }
    return { data: await this.documents.list(principal, id, status as DocumentStatus | undefined) };
  }

  @Get(':docId')
  @ApiOperation({ summary: 'A document and its ingestion status' })
  @ApiResponse({ status: 200, schema: ref('Document') })
  @ApiResponse(problemResponses(401, 404, 429))
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('docId') docId: string,
  ): Promise<DocumentView> {
    return this.documents.get(principal, id, docId);
  }

  @Delete(':docId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a document and its chunks' })
  @ApiResponse({ status: 204 })
  @ApiResponse(problemResponses(401, 404, 429, 503))
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('docId') docId: string,
  ): Promise<void> {
    await this.documents.delete(principal, id, docId);
  }

  @Post(':docId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop ingesting a document (its job stops between batches)' })
  @ApiResponse({ status: 200, schema: ref('Document') })
  @ApiResponse(problemResponses(401, 404, 409, 429))
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('docId') docId: string,
  ): Promise<DocumentView> {
    return this.documents.cancel(principal, id, docId);
  }

  @Post(':docId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest a failed or cancelled document again' })
  @ApiResponse({ status: 202, schema: ref('Document') })
  @ApiResponse(problemResponses(401, 404, 409, 429))
  retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('docId') docId: string,
  ): Promise<DocumentView> {
    return this.documents.retry(principal, id, docId);
  }
}
