import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Logger,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@switchboard/auth';
import { Config } from '@switchboard/config';
import type { Request, Response } from 'express';
import { traceIdFrom } from '../jobs/trace-id';
import { McpBodyReader } from './mcp-body';
import { McpServerFactory } from './mcp-server.factory';

/**
 * Switchboard as an MCP server over Streamable HTTP, stateless: each POST gets its own server
 * and transport for the caller its API key names (checked before anything MCP: 401 as
 * problem+json). No sessions, so GET (a standalone SSE stream) and DELETE (end a session) are
 * 405, as in the SDK's stateless example.
 */
@ApiTags('mcp')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard)
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger('Mcp');
  private readonly body: McpBodyReader;

  constructor(
    private readonly servers: McpServerFactory,
    config: Config,
  ) {
    this.body = new McpBodyReader(config.http.bodyLimitBytes);
  }

  @Post()
  @ApiOperation({
    summary: 'MCP (Streamable HTTP, stateless): JSON-RPC requests, answered as JSON or SSE',
  })
  async post(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const read = await this.body.read(req, res);
    if (!read) return;
    const server = this.servers.create(principal, traceIdFrom(req.headers.traceparent as string));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    transport.onerror = (error) => this.logger.debug(`MCP transport: ${error.message}`);
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, read.body);
  }

  @Get()
  @HttpCode(405)
  @ApiExcludeEndpoint()
  get(@Res() res: Response): void {
    methodNotAllowed(res);
  }

  @Delete()
  @HttpCode(405)
  @ApiExcludeEndpoint()
  delete(@Res() res: Response): void {
    methodNotAllowed(res);
  }
}

/** What the SDK's stateless server answers to GET and DELETE: no sessions, no SSE stream. */
function methodNotAllowed(res: Response): void {
  res
    .status(405)
    .set('Allow', 'POST')
    .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
}
