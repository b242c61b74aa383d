import { usePlatform } from '../support/platform';

const ROLES = ['chat', 'planner', 'coder', 'reviewer', 'researcher', 'browser', 'judge'];
const pascal = (role: string) => role[0].toUpperCase() + role.slice(1);

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; responses?: object }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('OpenAPI document, docs page and health', () => {
  const platform = usePlatform();

  let doc: OpenApiDocument;

  beforeAll(async () => {
    const res = await platform.http<OpenApiDocument>('GET', '/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = res.body;
  });

  it('is an OpenAPI 3 document with the job routes', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/jobs/{id}/cancel',
        '/v1/jobs/{id}/retry',
        '/v1/dlq',
        '/v1/dlq/replay',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/jobs'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/v1/jobs/{id}']).toHaveProperty('get');
    expect(doc.paths['/v1/jobs/{id}/cancel']).toHaveProperty('post');
    expect(doc.paths['/v1/jobs/{id}/retry']).toHaveProperty('post');
  });

  it('documents POST /v1/jobs as one request variant per role', () => {
    const body = JSON.stringify(doc.paths['/v1/jobs'].post.requestBody);
    for (const role of ROLES) {
      expect(body).toContain(`#/components/schemas/${pascal(role)}JobRequest`);
    }
    expect(Object.keys(doc.paths['/v1/jobs'].post.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '202']),
    );
  });

  it('has the catalogue schemas: ChatInput, ChatResult and a JobRequest for every role', () => {
    const schemas = doc.components.schemas;
    expect(schemas.ChatInput.properties).toHaveProperty('messages');
    expect(schemas.ChatResult.properties).toEqual(
      expect.objectContaining({ text: expect.anything(), usage: expect.anything() }),
    );
    for (const role of ROLES) {
      const request = schemas[`${pascal(role)}JobRequest`];
      expect(request).toBeDefined();
      expect(request.properties).toEqual(
        expect.objectContaining({
          role: expect.anything(),
          tier: expect.anything(),
          input: expect.anything(),
        }),
      );
      expect(JSON.stringify(request.properties?.role)).toContain(`"${role}"`);
      expect(schemas).toHaveProperty(`${pascal(role)}Input`);
      expect(schemas).toHaveProperty(`${pascal(role)}Result`);
    }
    expect(schemas).toHaveProperty('Job');
    expect(schemas).toHaveProperty('Problem');
    // Every $ref points at a schema that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    for (const name of new Set(refs)) expect(schemas).toHaveProperty(name);
  });

  it('serves the docs page as HTML', async () => {
    const res = await fetch(`http://127.0.0.1:${platform.env.env.API_PORT}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
  });

  it('/health/live answers 200 ok', async () => {
    const res = await platform.http('GET', '/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 200 with postgres and redis up', async () => {
    const res = await platform.http('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('an unknown route is a 404 problem, except where OpenAI clients call', async () => {
    for (const path of ['/nothing-here', '/v1/jobs/x/nothing-here', '/v1/budgets/x/y']) {
      const res = await platform.http('GET', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not-found' });
    }
    // Any other /v1 path may be an OpenAI API an SDK calls: OpenAI's shape, saying so.
    const openAi = await platform.http('GET', '/v1/nothing-here');
    expect(openAi.status).toBe(404);
    expect(openAi.headers.get('content-type')).toMatch(/^application\/json/);
    expect(openAi.body).toMatchObject({
      error: { code: 'unsupported_endpoint', type: 'invalid_request_error', param: null },
    });
  });
});
