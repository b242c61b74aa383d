import type { HttpResult } from './http-client';

/**
 * Asserts an RFC 9457 problem answer: the status, the problem+json content type, the stable
 * `code` and the standard members. Status and code are compared together so a failure shows
 * both, with the body.
 */
export function expectProblem(res: HttpResult, status: number, code?: string): void {
  const seen = { status: res.status, code: res.body?.code, body: res.body };
  expect(seen).toMatchObject({ status, ...(code ? { code } : {}) });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.stringMatching(/^https?:\/\/.+/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code: expect.any(String),
  });
  if (code) expect(res.body.type).toMatch(new RegExp(`/${code}$`));
}
