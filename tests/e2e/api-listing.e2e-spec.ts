import { chatInput, createTenant, waitForJob, type HttpResult } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { queryEnv } from '../support/store-probe';

interface Listed {
  id: string;
  role: string;
  tier: number;
  status: string;
  createdAt: string;
}

describe('GET /v1/jobs: pagination, filters and bad queries', () => {
  // Only chat mailboxes are served: coder jobs stay queued, delayed chat jobs stay delayed.
  const platform = usePlatform({ WORKER_POOLS: 'agent.chat.*:4' });

  let key: string;
  const created: { id: string; role: string; tier: number; status: string }[] = [];

  /** Follows nextCursor from the first page to the last, returning every page. */
  const walk = async (query: string, as = key): Promise<Listed[][]> => {
    const pages: Listed[][] = [];
    let cursor: string | null = null;
    do {
      const sep = query ? '&' : '';
      const path: string = `/v1/jobs?${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res: HttpResult<{ data: Listed[]; nextCursor: string | null }> = await platform.http(
        'GET',
        path,
        { key: as },
      );
      expect(res.status).toBe(200);
      pages.push(res.body.data);
      cursor = res.body.nextCursor;
      expect(pages.length).toBeLessThan(50);
    } while (cursor);
    return pages;
  };
  const idsOf = (filter: (j: (typeof created)[number]) => boolean) =>
    created
      .filter(filter)
      .map((j) => j.id)
      .sort();

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'lister'));
    const plan: [Record<string, unknown>, number, string][] = [
      [{ role: 'chat', tier: 1, input: chatInput('listed') }, 4, 'completed'],
      [{ role: 'chat', tier: 2, delay: 60_000, input: chatInput('later') }, 2, 'delayed'],
      [{ role: 'coder', tier: 1, input: { task: 'waits' } }, 3, 'queued'],
      [{ role: 'coder', tier: 3, input: { task: 'waits too' } }, 1, 'queued'],
    ];
    for (const [body, count, status] of plan) {
      for (let i = 0; i < count; i++) {
        const res = await platform.http('POST', '/v1/jobs', { key, body });
        expect(res.status).toBe(202);
        created.push({ id: res.body.id, role: String(body.role), tier: Number(body.tier), status });
      }
    }
    for (const job of created.filter((j) => j.status === 'completed')) {
      expect((await waitForJob(platform.http, key, job.id)).status).toBe('completed');
    }
  });

  it('lists newest first with the default page size', async () => {
    const res = await platform.http('GET', '/v1/jobs', { key });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const ids = res.body.data.map((j: Listed) => j.id);
    expect(ids).toEqual(created.map((j) => j.id).reverse());
  });

  it.each([1, 3, 4, 10])('walks every job exactly once with limit=%i', async (limit) => {
    const pages = await walk(`limit=${limit}`);
    const ids = pages.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(idsOf(() => true));
    expect(pages.length).toBe(Math.max(1, Math.ceil(created.length / limit)));
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
    const times = pages.flat().map((j) => Date.parse(j.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it.each([
    ['status=completed', (j: (typeof created)[number]) => j.status === 'completed'],
    ['status=delayed', (j: (typeof created)[number]) => j.status === 'delayed'],
    ['status=queued', (j: (typeof created)[number]) => j.status === 'queued'],
    ['status=failed', () => false],
    ['role=coder', (j: (typeof created)[number]) => j.role === 'coder'],
    ['role=judge', () => false],
    ['tier=1', (j: (typeof created)[number]) => j.tier === 1],
    ['tier=0', () => false],
    ['role=chat&tier=2', (j: (typeof created)[number]) => j.role === 'chat' && j.tier === 2],
    ['role=coder&tier=3&status=queued', (j: (typeof created)[number]) => j.tier === 3],
  ])('filters by %s, across pages', async (query, expected) => {
    const listed = (await walk(`${query}&limit=2`)).flat();
    expect(listed.map((j) => j.id).sort()).toEqual(idsOf(expected));
    const params = new URLSearchParams(query);
    for (const job of listed) {
      if (params.has('status')) expect(job.status).toBe(params.get('status'));
      if (params.has('role')) expect(job.role).toBe(params.get('role'));
      if (params.has('tier')) expect(job.tier).toBe(Number(params.get('tier')));
    }
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['status=nope', 'status'],
    ['role=poet', 'role'],
    ['tier=9', 'tier'],
    ['tier=one', 'tier'],
    ['colour=red', ''],
  ])('a bad query (%s) → 400 invalid-query', async (query, field) => {
    const res = await platform.http('GET', `/v1/jobs?${query}`, { key });
    expectProblem(res, 400, 'invalid-query');
    expect(res.body.errors).toEqual(expect.any(Array));
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    else expect(JSON.stringify(res.body.errors)).toContain('colour');
  });

  it.each([
    ['garbage', '!!!'],
    ['base64 of nonsense', Buffer.from('nope').toString('base64url')],
    ['a date without an id', Buffer.from(`${new Date().toISOString()}|`).toString('base64url')],
  ])('a bad cursor (%s) → 400 invalid-query', async (_what, cursor) => {
    const res = await platform.http('GET', `/v1/jobs?cursor=${encodeURIComponent(cursor)}`, {
      key,
    });
    expectProblem(res, 400, 'invalid-query');
    expect(res.body.detail).toMatch(/cursor/);
  });

  // Cursors carry milliseconds, so created_at is stored at millisecond precision: jobs that
  // share a millisecond are told apart by id and none is skipped between pages.
  it('walks jobs created within the same millisecond without skipping any', async () => {
    const other = await createTenant(platform.http, 'same-ms');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await platform.http('POST', '/v1/jobs', {
        key: other.key,
        body: { role: 'coder', tier: 1, input: { task: `same ms ${i}` } },
      });
      ids.push(res.body.id);
    }
    // Four submissions in one millisecond, as under load: 100, 200, 300 and 400 µs.
    for (const [i, id] of ids.entries()) {
      await queryEnv(platform.env, `UPDATE jobs SET created_at = $2::timestamptz WHERE id = $1`, [
        id,
        `2030-01-01T00:00:00.000${i + 1}00Z`,
      ]);
    }
    const listed = (await walk('limit=1', other.key)).flat().map((j) => j.id);
    expect(listed).toEqual([...ids].sort().reverse());
  });
});
