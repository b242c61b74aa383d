import { createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { queryEnv } from '../support/store-probe';

// The tools as clients see them: GET /v1/tools and its filters, allowedTools checked at
// submission (403 problem+json, nothing created), stored with the job, and a coder job run
// end to end by a real worker (the built-in simulated catalogue).

describe('tools over the API', () => {
  const platform = usePlatform();
  let key: string;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'tools-api'));
  });

  const names = (body: { data: { name: string }[] }) => body.data.map((t) => t.name);

  it('GET /v1/tools lists the tools, filtered by role, tier and privacy', async () => {
    const all = await platform.http('GET', '/v1/tools', { key });
    expect(all.status).toBe(200);
    expect(names(all.body)).toEqual(
      expect.arrayContaining([
        'calculator',
        'code_check',
        'current_time',
        'http_fetch',
        'http_request',
        'json_query',
      ]),
    );
    expect(all.body.data.find((t: { name: string }) => t.name === 'http_request')).toEqual({
      name: 'http_request',
      description: expect.any(String),
      inputSchema: expect.objectContaining({ type: 'object', required: ['method', 'url'] }),
      origin: 'local',
      privacyCompatible: false,
      sideEffects: true,
    });
    const reviewer = await platform.http('GET', '/v1/tools?role=reviewer', { key });
    expect(names(reviewer.body)).toEqual(['calculator', 'code_check', 'json_query']);
    const local = await platform.http('GET', '/v1/tools?role=coder&tier=0', { key });
    expect(names(local.body)).toEqual(['calculator', 'code_check', 'current_time', 'json_query']);
    const privately = await platform.http('GET', '/v1/tools?role=coder&tier=3&privacy=true', {
      key,
    });
    expect(names(privately.body)).toEqual(names(local.body));
    expectProblem(await platform.http('GET', '/v1/tools?role=poet', { key }), 400, 'invalid-query');
    expectProblem(await platform.http('GET', '/v1/tools'), 401);
  });

  it('refuses allowedTools that widen the role or leave the machine, creating nothing', async () => {
    const before = await queryEnv<{ n: string }>(platform.env, 'SELECT count(*) AS n FROM jobs');
    const coder = { role: 'coder', tier: 1, input: { task: 'x' } };
    const notAllowed = await platform.http('POST', '/v1/jobs', {
      key,
      body: {
        role: 'reviewer',
        tier: 1,
        input: { content: 'x' },
        allowedTools: ['code_check', 'http_*'],
      },
    });
    expectProblem(notAllowed, 403, 'tool-not-allowed');
    expect(notAllowed.body).toMatchObject({ tool: 'http_*', role: 'reviewer' });
    const notPrivate = await platform.http('POST', '/v1/jobs', {
      key,
      body: { ...coder, privacy: true, allowedTools: ['code_check', 'http_fetch'] },
    });
    expectProblem(notPrivate, 403, 'tool-not-private');
    expect(notPrivate.body.tool).toBe('http_fetch');
    const tierZero = await platform.http('POST', '/v1/jobs', {
      key,
      body: { ...coder, tier: 0, allowedTools: ['http_request'] },
    });
    expectProblem(tierZero, 403, 'tool-not-private');
    const malformed = await platform.http('POST', '/v1/jobs', {
      key,
      body: { ...coder, allowedTools: ['a b'] },
    });
    expectProblem(malformed, 422, 'invalid-input');
    const after = await queryEnv<{ n: string }>(platform.env, 'SELECT count(*) AS n FROM jobs');
    expect(after[0].n).toBe(before[0].n);
  });

  it('stores allowedTools with the job and runs a coder job to completion', async () => {
    const submitted = await platform.http('POST', '/v1/jobs', {
      key,
      body: {
        role: 'coder',
        tier: 1,
        input: { task: 'add two numbers' },
        allowedTools: ['code_*'],
      },
    });
    expect(submitted.status).toBe(202);
    const job = await waitForJob(platform.http, key, submitted.body.id);
    expect(job).toMatchObject({ status: 'completed', result: { text: expect.any(String) } });
    const [row] = await queryEnv<{ allowed_tools: string[] }>(
      platform.env,
      'SELECT allowed_tools FROM jobs WHERE id = $1',
      [submitted.body.id],
    );
    expect(row.allowed_tools).toEqual(['code_*']);
  });

  it('documents GET /v1/tools and the 403s in the OpenAPI document', async () => {
    const doc = await platform.http('GET', '/docs/openapi.json');
    expect(
      doc.body.paths['/v1/tools'].get.responses['200'].content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/ToolList',
    });
    expect(doc.body.components.schemas.CoderJobRequest.properties.allowedTools).toMatchObject({
      type: 'array',
    });
    expect(doc.body.paths['/v1/jobs'].post.responses.default.description).toContain('403');
  });
});
