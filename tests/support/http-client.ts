import { TEST_ADMIN_TOKEN } from './test-env';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small fetch wrapper: JSON in, JSON (or problem+json) out. */
export function httpClient(baseUrl: string) {
  return async function request<T = any>(
    method: string,
    path: string,
    opts: {
      key?: string;
      admin?: boolean;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.admin) headers.authorization = `Bearer ${TEST_ADMIN_TOKEN}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}

export type Http = ReturnType<typeof httpClient>;

/** A tenant with a fresh API key, made through the admin API. */
export async function createTenant(
  http: Http,
  name: string,
): Promise<{ tenantId: string; key: string; keyId: string }> {
  const tenant = await http('POST', '/v1/admin/tenants', { admin: true, body: { name } });
  if (tenant.status !== 201)
    throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const key = await http('POST', `/v1/admin/tenants/${tenant.body.id}/keys`, {
    admin: true,
    body: { name: 'test' },
  });
  if (key.status !== 201) throw new Error(`key: ${key.status} ${JSON.stringify(key.body)}`);
  return { tenantId: tenant.body.id, key: key.body.key, keyId: key.body.id };
}

/** Polls a job until it reaches one of `statuses`. */
export async function waitForJob(
  http: Http,
  key: string,
  id: string,
  statuses: string[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: HttpResult | undefined;
  while (Date.now() < deadline) {
    last = await http('GET', `/v1/jobs/${id}`, { key });
    if (statuses.includes(last.body?.status)) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} never reached ${statuses.join('/')}: ${JSON.stringify(last?.body)}`);
}

export const chatInput = (content = 'hello') => ({ messages: [{ role: 'user', content }] });
