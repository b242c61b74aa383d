import { ROLES } from '@switchboard/catalogue';
import { z } from 'zod';

// Server names become the `<server>__` prefix of tool names, so `__` must stay unambiguous.
const SERVER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,31}$/;
const ms = (min: number, max: number) => z.number().int().min(min).max(max);
const patterns = z.array(z.string().min(1));

const common = {
  name: z
    .string()
    .regex(
      SERVER_NAME,
      'letters, digits and "-" only, at most 32, starting with a letter or digit',
    ),
  /** true: the server runs on this machine and sends nothing out, so privacy jobs may use it. */
  local: z.boolean().default(false),
  /** Glob patterns (picomatch) of the server's tool names to expose; nothing else is. */
  allowedTools: patterns.min(1, 'list at least one pattern (use ["*"] for every tool)'),
  /** Tools that change something outside the job; annotations readOnlyHint/destructiveHint count too. */
  sideEffects: patterns.default([]),
  /**
   * Roles that may use the server's (allowed) tools, in addition to the catalogue's
   * TOOL_ALLOWLISTS (whose `<server>__*` patterns keep working).
   */
  roles: z
    .array(z.enum(ROLES, { error: `not a role (roles: ${ROLES.join(', ')})` }))
    .default([])
    .refine((roles) => new Set(roles).size === roles.length, 'a role is listed twice'),
  /** true: a tool seen for the first time stays blocked until an admin approves it. */
  requireApproval: z.boolean().default(false),
  /** `perJob`: started for each job, rooted in its workspace; `shared`: connected once per worker. */
  workspace: z.enum(['shared', 'perJob']).default('shared'),
  timeouts: z
    .strictObject({
      connectMs: ms(100, 600_000).default(30_000),
      callMs: ms(100, 3_600_000).default(60_000),
    })
    .default({ connectMs: 30_000, callMs: 60_000 }),
  reconnect: z
    .strictObject({
      initialDelayMs: ms(10, 600_000).default(500),
      maxDelayMs: ms(10, 3_600_000).default(30_000),
    })
    .default({ initialDelayMs: 500, maxDelayMs: 30_000 })
    .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
      message: 'maxDelayMs must be at least initialDelayMs',
    }),
  maxOutputBytes: ms(1, 64 * 1024 * 1024).default(100_000),
  /** The server's tools may run at the same time as other calls of the same turn. */
  parallel: z.boolean().default(true),
};

const stdioServer = z.strictObject({
  ...common,
  transport: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Added to a minimal inherited environment (PATH, HOME...); `${VAR}` reads this process's env. */
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).optional(),
});

const httpServer = z.strictObject({
  ...common,
  transport: z.literal('http'),
  /** A Streamable HTTP endpoint. */
  url: z.url({ protocol: /^https?$/ }),
  /** `${VAR}` in a value reads this process's env (keep tokens out of the file). */
  headers: z.record(z.string(), z.string()).default({}),
});

export const mcpServerSchema = z.discriminatedUnion('transport', [stdioServer, httpServer]);

export const mcpServersFileSchema = z
  .strictObject({ servers: z.array(mcpServerSchema) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.servers.forEach((server, i) => {
      if (seen.has(server.name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'name'],
          message: `'${server.name}' is declared twice`,
        });
      }
      seen.add(server.name.toLowerCase());
      if (server.workspace === 'perJob' && server.transport !== 'stdio') {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'workspace'],
          message: 'perJob servers must use the stdio transport (they are started per job)',
        });
      }
    });
  });

export type McpServerConfig = z.infer<typeof mcpServerSchema>;
export type McpStdioServerConfig = z.infer<typeof stdioServer>;
export type McpHttpServerConfig = z.infer<typeof httpServer>;
export type McpServersFile = z.infer<typeof mcpServersFileSchema>;
/** A server as written in the file or in code: defaults may be left out. */
export type McpServerInput = z.input<typeof mcpServerSchema>;
