import { isPrivateWebhookHost } from './webhook-url-policy';

describe('isPrivateWebhookHost', () => {
  it.each([
    'http://localhost:8080/hook',
    'http://api.localhost/hook',
    'http://127.0.0.1/hook',
    'http://10.1.2.3/hook',
    'http://172.20.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/',
    'http://[::1]:3000/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses %s', (url) => expect(isPrivateWebhookHost(url)).toBe(true));

  it.each(['https://hooks.example.com/budget', 'http://8.8.8.8/x', 'https://[2001:db8::1]/'])(
    'accepts %s',
    (url) => expect(isPrivateWebhookHost(url)).toBe(false),
  );
});
