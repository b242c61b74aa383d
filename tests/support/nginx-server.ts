import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-env';

export const NGINX_BIN = '/usr/sbin/nginx';

/** A real nginx (master and one worker) on a loopback port, with its own temporary prefix. */
export interface NginxServer {
  url: string;
  port: number;
  prefix: string;
  conf: string;
  /** The file the deploy script writes (`include`d at http level). */
  upstreamFile: string;
  pidFile: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * The server block mirrors deploy/nginx/switchboard.conf (proxy to `switchboard_api`, SSE
 * without buffering, the colour header), on loopback and with every path under the prefix.
 * Until a deploy writes the upstream file, the upstream is a port nothing listens on.
 */
export async function startNginx(): Promise<NginxServer> {
  const prefix = mkdtempSync(join(tmpdir(), 'sb-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  const upstreamFile = join(prefix, 'upstream-active.conf');
  const pidFile = join(prefix, 'nginx.pid');
  const unused = await freePort();
  writeFileSync(
    upstreamFile,
    `map $host $switchboard_colour { default "none"; }\nupstream switchboard_api { server 127.0.0.1:${unused}; }\n`,
  );
  writeFileSync(conf, nginxConf(prefix, port, upstreamFile, pidFile));
  const child = spawn(NGINX_BIN, ['-p', `${prefix}/`, '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  await waitForListen(child, port, output);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    conf,
    upstreamFile,
    pidFile,
    errorLog: () => readFileSync(join(prefix, 'logs', 'error.log'), 'utf8'),
    stop: async () => {
      if (child.exitCode === null) {
        const closed = new Promise((r) => child.once('close', r));
        child.kill('SIGQUIT');
        await closed;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

function nginxConf(prefix: string, port: number, upstreamFile: string, pidFile: string): string {
  return `daemon off;
master_process on;
worker_processes 1;
user root;
pid ${pidFile};
error_log ${prefix}/logs/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    include ${upstreamFile};
    server {
        listen 127.0.0.1:${port};
        client_max_body_size 2m;
        location / {
            proxy_pass http://switchboard_api;
            add_header X-Switchboard-Colour $switchboard_colour always;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout;
        }
    }
}
`;
}

async function waitForListen(child: ChildProcess, port: number, output: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output.join('')}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${output.join('')}`);
}

/** The colour (X-Switchboard-Colour) nginx answers `/health/live` from, on a new connection. */
export function servedColour(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/health/live`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['x-switchboard-colour'] as string | undefined));
    });
    req.on('error', reject);
    req.end();
  });
}
