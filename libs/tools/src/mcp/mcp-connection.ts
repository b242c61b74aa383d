import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from './mcp-content';
import { mcpReconnectsTotal } from './mcp.metrics';
import type { McpServerConfig } from './mcp-servers.schema';

/** The server cannot take calls now (not connected yet, crashed, reconnecting, closed). */
export class McpUnavailableError extends Error {
  constructor(server: string, reason: string) {
    super(`MCP server '${server}' is unavailable: ${reason}`);
    this.name = 'McpUnavailableError';
  }
}

export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'down' | 'closed';

const MAX_PAGES = 100;
const STDERR_LINES = 20;

/**
 * One MCP server's client: connects, lists its tools (again on `notifications/tools/
 * list_changed` and after every reconnect), and reconnects with capped exponential backoff
 * when the process exits or the HTTP endpoint fails. Never throws from its own timers.
 */
export class McpConnection {
  private readonly logger: Logger;
  private client?: Client;
  private state: ConnectionState = 'idle';
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private connectedAt = 0;
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  private readonly listeners = new Set<(tools: readonly Tool[]) => void>();
  private readonly stderr: string[] = [];
  private lastError = 'not connected yet';
  private current: readonly Tool[] = [];
  private readonly delays: number[] = [];

  constructor(readonly config: McpServerConfig) {
    this.logger = new Logger(`McpServer:${config.name}`);
  }

  get status(): ConnectionState {
    return this.state;
  }

  /** The tools the server listed last (kept while it is down: calls then fail fast). */
  get tools(): readonly Tool[] {
    return this.current;
  }

  /** The server's process id (stdio, while connected). */
  get pid(): number | null {
    const transport = this.client?.transport;
    return transport instanceof StdioClientTransport ? transport.pid : null;
  }

  /** The last reconnect delays scheduled (ms, newest last), for diagnosis. */
  get backoffDelays(): readonly number[] {
    return this.delays;
  }

  onTools(listener: (tools: readonly Tool[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves after the first attempt, connected or not (a failure schedules a retry). */
  async start(): Promise<boolean> {
    if (this.state !== 'idle') return this.state === 'ready';
    return this.connect();
  }

  async call(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<CallToolResult> {
    const client = this.client;
    if (this.state !== 'ready' || !client) {
      throw new McpUnavailableError(this.config.name, this.lastError);
    }
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeoutMs,
        maxTotalTimeout: options.timeoutMs,
      });
      return result as CallToolResult;
    } catch (error) {
      if (this.config.transport === 'http' && !options.signal.aborted && isHttpFailure(error)) {
        this.drop(client, error);
      }
      throw error;
    }
  }

  /** Lists the tools again (what `list_changed` triggers); calls made meanwhile are merged. */
  async refreshTools(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.listTools();
        } while (this.refreshAgain);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<boolean> {
    this.state = 'connecting';
    const client = new Client(
      { name: 'switchboard', version: '1.0.0' },
      { capabilities: {}, enforceStrictCapabilities: false },
    );
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (this.client === client) {
        this.refreshTools().catch((error) => this.warn('refreshing tools failed', error));
      }
    });
    client.onclose = () => this.lost(client, 'connection closed');
    client.onerror = (error) => this.logger.debug(`transport: ${error.message}`);
    try {
      await client.connect(this.transport(), { timeout: this.config.timeouts.connectMs });
      if (this.isClosed()) {
        await client.close().catch(() => undefined);
        return false;
      }
      this.client = client;
      this.state = 'ready';
      this.connectedAt = Date.now();
      await this.refreshTools();
      if (this.attempt > 0) mcpReconnectsTotal.inc({ server: this.config.name, result: 'ok' });
      this.logger.log(`connected (${this.current.length} tools)`);
      return this.client === client && this.state === 'ready';
    } catch (error) {
      if (this.attempt > 0) mcpReconnectsTotal.inc({ server: this.config.name, result: 'failed' });
      this.lastError = describe(error, this.stderr);
      this.warn('connect failed', error);
      this.client = undefined;
      await client.close().catch(() => undefined);
      if (!this.isClosed()) this.retryLater();
      return false;
    }
  }

  // A method, so TypeScript does not narrow `state` across the awaits that may change it.
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private transport(): Transport {
    const config = this.config;
    if (config.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: config.headers },
      });
    }
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: { ...getDefaultEnvironment(), ...config.env },
      cwd: config.cwd,
      stderr: 'pipe',
    });
    this.stderr.length = 0;
    transport.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.stderr.push(line);
        if (this.stderr.length > STDERR_LINES) this.stderr.shift();
        this.logger.debug(`stderr: ${line}`);
      }
    });
    return transport;
  }

  private async listTools(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const tools: Tool[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, {
        timeout: this.config.timeouts.callMs,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < MAX_PAGES);
    if (this.client !== client) return;
    this.current = tools;
    for (const listener of this.listeners) listener(tools);
  }

  /** An HTTP endpoint failed: drop the session so the backoff loop opens a new one. */
  private drop(client: Client, error: unknown): void {
    this.lastError = describe(error, []);
    client.close().catch(() => undefined);
    this.lost(client, this.lastError);
  }

  private lost(client: Client, reason: string): void {
    if (this.client !== client || this.state === 'closed') return;
    this.client = undefined;
    this.state = 'down';
    const tail = this.stderr.length > 0 ? ` (stderr: ${this.stderr.slice(-3).join(' | ')})` : '';
    this.lastError = `${reason}${tail}`;
    // A connection that held for a while starts the backoff over; a flapping one does not.
    if (Date.now() - this.connectedAt > this.config.reconnect.maxDelayMs) this.attempt = 0;
    this.logger.warn(`lost: ${this.lastError}`);
    this.retryLater();
  }

  private retryLater(): void {
    const { initialDelayMs, maxDelayMs } = this.config.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.attempt, 30));
    const delay = Math.round(base * (0.8 + Math.random() * 0.2));
    this.attempt += 1;
    this.delays.push(delay);
    if (this.delays.length > 20) this.delays.shift();
    this.state = 'down';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
    this.logger.debug(`reconnecting in ${delay} ms (attempt ${this.attempt})`);
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what}: ${describe(error, this.stderr)}`);
  }
}

/**
 * HTTP errors that mean the session is broken (status errors, refused connections, a closed
 * stream), not a tool's or a JSON-RPC error. A stdio server's exit closes the client itself.
 */
function isHttpFailure(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  // By name: fetch's TypeError may come from another realm (vm contexts, test runners).
  return error instanceof StreamableHTTPError || (error as Error | null)?.name === 'TypeError';
}

function describe(error: unknown, stderr: readonly string[]): string {
  const message = errorMessage(error);
  return stderr.length > 0 ? `${message} (stderr: ${stderr.slice(-3).join(' | ')})` : message;
}
