/** A tenant and an API key, made the way an operator makes them: the admin API. */
export async function createTenantKey(
  baseUrl: string,
  adminToken: string,
  name: string,
): Promise<{ tenantId: string; key: string }> {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const tenant = await post('/v1/admin/tenants', { name });
  const key = await post(`/v1/admin/tenants/${String(tenant.id)}/keys`, { name: 'bench' });
  return { tenantId: String(tenant.id), key: String(key.key) };
}
