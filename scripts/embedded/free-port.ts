import { createServer } from 'node:net';

/**
 * A loopback TCP port that was free a moment ago: the kernel picks one for port 0, and we
 * release it for the caller. Another process could take it in between; that race is small
 * and the server's own "address in use" error reports it.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
