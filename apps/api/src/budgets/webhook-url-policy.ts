import { isIP } from 'node:net';

/**
 * Hosts a tenant may not point a webhook at: the worker would POST from inside our network
 * (SSRF). Literal addresses and local names only; a public name that resolves to a private
 * address is not caught here. The admin token may use any host (e.g. an internal receiver).
 */
export function isPrivateWebhookHost(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) {
    return true;
  }
  switch (isIP(host)) {
    case 4:
      return privateV4(host);
    case 6:
      return privateV6(host);
    default:
      return false;
  }
}

function privateV4(host: string): boolean {
  const [a, b] = host.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

function privateV6(host: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return privateV4(mapped[1]);
  return (
    host === '::' ||
    host === '::1' ||
    /^f[cd]/.test(host) || // unique local fc00::/7
    /^fe[89ab]/.test(host) || // link-local fe80::/10
    host.startsWith('::ffff:') // other IPv4-mapped forms
  );
}
