import type { DataSource } from 'typeorm';
import type { McpToolDefinition } from './tool-hash';

export type ApprovalStatus = 'approved' | 'blocked';

/** A definition a worker saw, as `mcp_tool_approvals` holds it. */
export interface ToolApprovalRecord {
  server: string;
  tool: string;
  hash: string;
  definition: McpToolDefinition;
  status: ApprovalStatus;
  firstSeen: Date;
  lastSeen: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  /** This is the definition the server shows now (the latest seen for its tool). */
  current: boolean;
}

export interface SeenTool {
  tool: string;
  hash: string;
  definition: McpToolDefinition;
}

interface Row {
  server: string;
  tool: string;
  hash: string;
  definition: McpToolDefinition;
  status: ApprovalStatus;
  first_seen: Date;
  last_seen: Date;
  approved_at: Date | null;
  approved_by: string | null;
  current: boolean;
}

const toRecord = (r: Row): ToolApprovalRecord => ({
  server: r.server,
  tool: r.tool,
  hash: r.hash.trim(),
  definition: r.definition,
  status: r.status,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  current: r.current,
});

const SELECT = `SELECT server, tool, hash, definition, status, first_seen, last_seen, approved_at,
  approved_by, row_number() OVER (PARTITION BY server, tool ORDER BY last_seen DESC, first_seen DESC) = 1 AS current
  FROM mcp_tool_approvals`;

/**
 * The approval state of MCP tool definitions, by hash. A first-seen tool is approved unless
 * its server requires approval; a definition that differs from one seen before is blocked
 * until approved (an earlier approval covers only the hash it was given for).
 */
export class ToolApprovalsRepository {
  constructor(private readonly db: DataSource) {}

  /** Records what a server shows now and answers each tool's status (by tool name). */
  async review(
    server: string,
    tools: readonly SeenTool[],
    requireApproval: boolean,
  ): Promise<Map<string, ApprovalStatus>> {
    if (tools.length === 0) return new Map();
    tools = [...new Map(tools.map((t) => [t.tool, t])).values()];
    // One statement: a new hash is approved only when no other hash of the tool exists yet.
    const rows: { tool: string; status: ApprovalStatus }[] = await this.db.query(
      `WITH seen AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS s(tool, hash, definition)
       ), upserted AS (
         INSERT INTO mcp_tool_approvals AS a (server, tool, hash, definition, status, approved_at, approved_by)
         SELECT $1::text, s.tool, s.hash, s.definition,
                CASE WHEN f.first THEN 'approved' ELSE 'blocked' END,
                CASE WHEN f.first THEN now() END,
                CASE WHEN f.first THEN 'auto' END
           FROM seen s CROSS JOIN LATERAL (
             SELECT NOT $5::boolean AND NOT EXISTS (
               SELECT 1 FROM mcp_tool_approvals o WHERE o.server = $1 AND o.tool = s.tool
             ) AS first) f
         ON CONFLICT (server, tool, hash) DO UPDATE SET last_seen = now()
         RETURNING a.tool, a.status
       )
       SELECT tool, status FROM upserted`,
      [
        server,
        tools.map((t) => t.tool),
        tools.map((t) => t.hash),
        tools.map((t) => JSON.stringify(t.definition)),
        requireApproval,
      ],
    );
    return new Map(rows.map((r) => [r.tool, r.status]));
  }

  /** Statuses of the given hashes (tools not recorded are left out). */
  async statuses(server: string, hashes: ReadonlyMap<string, string>) {
    const tools = [...hashes.keys()];
    const rows: { tool: string; status: ApprovalStatus }[] = await this.db.query(
      `SELECT tool, status FROM mcp_tool_approvals
        WHERE server = $1 AND (tool, hash) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [server, tools, tools.map((t) => hashes.get(t))],
    );
    return new Map(rows.map((r) => [r.tool, r.status]));
  }

  /** Every recorded definition, the current one of each tool first. */
  async list(filter: { server?: string; currentOnly?: boolean } = {}) {
    const rows: Row[] = await this.db.query(
      `SELECT * FROM (${SELECT} WHERE ($1::text IS NULL OR server = $1)) r
        WHERE NOT $2 OR current ORDER BY server, tool, current DESC, last_seen DESC`,
      [filter.server ?? null, filter.currentOnly ?? false],
    );
    return rows.map(toRecord);
  }

  /**
   * Approves a tool's current definition, with an audit row in the same transaction. With
   * `hash`, that must be the current one, so an admin never approves a definition other than
   * the one they reviewed. Null: no such tool.
   */
  async approve(server: string, tool: string, by: string, hash?: string) {
    const current = (await this.list({ server, currentOnly: true })).find((r) => r.tool === tool);
    if (!current) return null;
    if (hash !== undefined && hash !== current.hash) {
      return { stale: true as const, current };
    }
    const rows: Row[] = await this.db.transaction(async (em) => {
      await em.query(
        `INSERT INTO audit_log (actor, action, target, details) VALUES ($1, 'mcp.tool.approve', $2, $3)`,
        [
          by,
          `${server}/${tool}`.slice(0, 200),
          JSON.stringify({ hash: current.hash, previous: current.status }),
        ],
      );
      return em.query(
        `WITH u AS (
         UPDATE mcp_tool_approvals SET status = 'approved', approved_at = now(), approved_by = $4
          WHERE server = $1 AND tool = $2 AND hash = $3 RETURNING *
       ) SELECT *, true AS current FROM u`,
        [server, tool, current.hash, by],
      );
    });
    return { stale: false as const, record: toRecord(rows[0]) };
  }
}
