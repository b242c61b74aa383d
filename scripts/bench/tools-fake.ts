import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startFakeProvider, type ReceivedRequest } from '../../tests/support/fake-providers';
import { deferCleanup } from './exit-cleanup';
import { FAKE_TOKENS, benchCatalogue } from './fake-openai';

/**
 * An in-process fake OpenAI server whose model calls `tool` once per turn (arguments
 * `{turn: n}`) until the request carries `toolTurns` tool results, then answers with
 * FAKE_TOKENS tokens; and a catalogue file whose one model has the `tools` capability.
 */
export async function withToolsFake<T>(
  tool: string,
  toolTurns: number,
  body: (catalogueFile: string) => Promise<T>,
): Promise<T> {
  const fake = await startFakeProvider('openai', { tokensPerResponse: FAKE_TOKENS });
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-tools-'));
  const release = deferCleanup('fake openai (tools)', async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    fake.respond((request: ReceivedRequest) => {
      const messages = (request.body as { messages?: { role?: string }[] }).messages ?? [];
      const results = messages.filter((m) => m.role === 'tool').length;
      return results < toolTurns
        ? { type: 'ok', toolCalls: [{ name: tool, arguments: { turn: results + 1 } }] }
        : { type: 'ok' };
    });
    const catalogue = benchCatalogue(fake.url);
    catalogue.models = catalogue.models.map((m) => ({ ...m, capabilities: ['chat', 'tools'] }));
    const catalogueFile = join(dir, 'llm-catalogue.json');
    writeFileSync(catalogueFile, JSON.stringify(catalogue));
    return await body(catalogueFile);
  } finally {
    await release();
  }
}

export interface ToolRowCounts {
  ok: number;
  total: number;
  /** Distinct jobs among the rows. */
  jobs: number;
}

/** A leg's tool_invocations rows of one tool: `ok` ones, all of them, and their jobs. */
export async function countToolRows(
  databaseUrl: string,
  schema: string,
  tool: string,
): Promise<ToolRowCounts> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ ok: string; total: string; jobs: string }>(
      `SELECT count(*) FILTER (WHERE outcome = 'ok') AS ok, count(*) AS total,
              count(DISTINCT job_id) AS jobs
         FROM "${schema}".tool_invocations WHERE tool = $1`,
      [tool],
    );
    return { ok: Number(rows[0].ok), total: Number(rows[0].total), jobs: Number(rows[0].jobs) };
  } finally {
    await pg.end();
  }
}
