import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each MCP tool definition a worker has seen, by the sha256 of its canonical JSON. A tool is
 * exposed only while its current definition's row is approved; a changed definition gets a
 * new, blocked row until an admin approves it.
 */
export class McpToolApprovals1764500000000 implements MigrationInterface {
  name = 'McpToolApprovals1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE mcp_tool_approvals (
      server text NOT NULL,
      tool text NOT NULL,
      hash char(64) NOT NULL,
      definition jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('approved', 'blocked')),
      first_seen timestamptz NOT NULL DEFAULT now(),
      last_seen timestamptz NOT NULL DEFAULT now(),
      approved_at timestamptz NULL,
      approved_by text NULL,
      PRIMARY KEY (server, tool, hash)
    )`);
    await q.query(
      `CREATE INDEX mcp_tool_approvals_current_idx ON mcp_tool_approvals (server, tool, last_seen DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mcp_tool_approvals`);
  }
}
