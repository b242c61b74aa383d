import { maskSecrets } from './mask-secrets';

describe('maskSecrets', () => {
  it('masks listed secrets, API keys and URL passwords', () => {
    const line =
      'token=abcd1234secret key=sb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA db=postgres://u:pw123@h/db';
    const masked = maskSecrets(line, ['abcd1234secret']);
    expect(masked).toBe('token=*** key=sb_*** db=postgres://u:***@h/db');
  });
});
