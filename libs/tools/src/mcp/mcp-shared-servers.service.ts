import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { ToolRegistry } from '../tool-registry';
import { MCP_SERVERS } from './mcp.providers';
import type { McpServerConfig } from './mcp-servers.schema';
import { McpToolSource } from './mcp-tool.source';
import { ToolApprovalsRepository } from './tool-approvals.repository';

/**
 * The worker's shared MCP servers: one source each, added to the tool registry and connected
 * at boot (in the background: a slow or dead server neither delays boot nor hides the others'
 * tools; it keeps reconnecting with backoff). Closed at shutdown.
 */
@Injectable()
export class McpSharedServers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(McpSharedServers.name);
  private readonly list: McpToolSource[] = [];
  private started: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(MCP_SERVERS) private readonly servers: McpServerConfig[],
    private readonly registry: ToolRegistry,
    private readonly approvals: ToolApprovalsRepository,
    private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    for (const server of this.servers.filter((s) => s.workspace === 'shared')) {
      const source = McpToolSource.fromConfig(server, {
        approvals: this.approvals,
        approvalPollMs: this.config.mcp.approvalPollMs,
      });
      this.registry.addSource(source);
      this.list.push(source);
    }
    this.started = Promise.allSettled(this.list.map((s) => s.start()));
    if (this.list.length > 0) this.logger.log(`connecting ${this.list.length} shared MCP servers`);
  }

  /** Settles once every shared server had its first connection attempt. */
  async ready(): Promise<void> {
    await this.started;
  }

  sources(): readonly McpToolSource[] {
    return this.list;
  }

  get(server: string): McpToolSource | undefined {
    return this.list.find((s) => s.server.name === server);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.list.map((s) => s.close()));
  }
}
