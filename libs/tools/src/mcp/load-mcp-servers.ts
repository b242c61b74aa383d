import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import {
  mcpServerSchema,
  mcpServersFileSchema,
  type McpServerConfig,
  type McpServerInput,
} from './mcp-servers.schema';

/** The MCP servers file is unusable; the message names every bad field. */
export class McpConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid MCP servers config ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'McpConfigError';
  }
}

type ProcessEnv = Record<string, string | undefined>;

/** Reads and validates the servers file (MCP_SERVERS_FILE); `${VAR}` values come from `env`. */
export function loadMcpServers(path: string, env: ProcessEnv = process.env): McpServerConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new McpConfigError(path, [(error as Error).message]);
  }
  const parsed = mcpServersFileSchema.safeParse(raw);
  if (!parsed.success) throw new McpConfigError(path, describeIssues(parsed.error, raw));
  const problems: string[] = [];
  const servers = parsed.data.servers.map((server, i) =>
    expandEnv(server, env, (field, name) =>
      problems.push(`servers[${i}] (${server.name}).${field}: \${${name}} is not set`),
    ),
  );
  if (problems.length > 0) throw new McpConfigError(path, problems);
  return servers;
}

/** One server declared in code (benchmarks, tests): the same rules and defaults as the file. */
export function parseMcpServer(
  input: McpServerInput,
  env: ProcessEnv = process.env,
): McpServerConfig {
  const parsed = mcpServerSchema.safeParse(input);
  const source = `server '${String((input as { name?: unknown }).name)}'`;
  if (!parsed.success) {
    throw new McpConfigError(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(server)'}: ${i.message}`),
    );
  }
  const problems: string[] = [];
  const server = expandEnv(parsed.data, env, (field, name) =>
    problems.push(`${field}: \${${name}} is not set`),
  );
  if (problems.length > 0) throw new McpConfigError(source, problems);
  return server;
}

/** `servers[2] (git).allowedTools: ...`: the path, with the server's name when it has one. */
function describeIssues(error: z.ZodError, raw: unknown): string[] {
  const servers = (raw as { servers?: unknown[] } | null)?.servers;
  return error.issues.map((issue) => {
    const [head, index, ...rest] = issue.path;
    if (head === 'servers' && typeof index === 'number') {
      const name = (servers?.[index] as { name?: unknown } | undefined)?.name;
      const label = typeof name === 'string' ? ` (${name})` : '';
      const field = rest.length > 0 ? `.${rest.join('.')}` : '';
      return `servers[${index}]${label}${field}: ${issue.message}`;
    }
    return `${issue.path.join('.') || '(file)'}: ${issue.message}`;
  });
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function expandEnv(
  server: McpServerConfig,
  env: ProcessEnv,
  missing: (field: string, name: string) => void,
): McpServerConfig {
  const expand = (field: string, values: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        value.replace(VARIABLE, (_, name: string) => {
          const found = env[name];
          if (found === undefined) missing(`${field}.${key}`, name);
          return found ?? '';
        }),
      ]),
    );
  return server.transport === 'stdio'
    ? { ...server, env: expand('env', server.env) }
    : { ...server, headers: expand('headers', server.headers) };
}
