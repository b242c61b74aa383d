import { isAdminRequest } from './admin-credential';

const token = 'a-very-long-admin-token';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('isAdminRequest', () => {
  it('accepts the token as a bearer token', () => {
    expect(isAdminRequest(`Bearer ${token}`, token)).toBe(true);
    expect(isAdminRequest(`bearer ${token}`, token)).toBe(true);
  });

  it('accepts HTTP Basic whose password is the token, whatever the user', () => {
    expect(isAdminRequest(basic('admin', token), token)).toBe(true);
    expect(isAdminRequest(basic('', token), token)).toBe(true);
    expect(isAdminRequest(`basic ${Buffer.from(`ops:${token}`).toString('base64')}`, token)).toBe(
      true,
    );
  });

  it('keeps colons inside the password', () => {
    const withColon = 'token:with:colons-1234';
    expect(isAdminRequest(basic('admin', withColon), withColon)).toBe(true);
  });

  it('refuses wrong, partial or malformed credentials', () => {
    expect(isAdminRequest(undefined, token)).toBe(false);
    expect(isAdminRequest('', token)).toBe(false);
    expect(isAdminRequest(`Bearer ${token}x`, token)).toBe(false);
    expect(isAdminRequest(`Bearer ${token.slice(0, -1)}`, token)).toBe(false);
    expect(isAdminRequest(token, token)).toBe(false);
    expect(isAdminRequest(`Token ${token}`, token)).toBe(false);
    expect(isAdminRequest(basic(token, 'wrong'), token)).toBe(false);
    expect(isAdminRequest(`Basic ${Buffer.from(token).toString('base64')}`, token)).toBe(false);
    expect(isAdminRequest('Basic !!!', token)).toBe(false);
  });

  it('never accepts anything when no admin token is configured', () => {
    expect(isAdminRequest('Bearer ', '')).toBe(false);
    expect(isAdminRequest(basic('admin', ''), '')).toBe(false);
  });
});
