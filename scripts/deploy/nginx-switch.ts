import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { DeployFailed } from './deploy-errors';
import type { Colour, DeployOptions } from './deploy-options';
import { sleep } from './process-control';

type NginxOptions = DeployOptions['nginx'];

/** The upstream file for a colour: where nginx proxies, and the colour it names in a header. */
export function upstreamConf(colour: Colour, port: number): string {
  return [
    `# Written by scripts/deploy: the ${colour} API takes traffic.`,
    `map $host $switchboard_colour { default "${colour}"; }`,
    'upstream switchboard_api {',
    `    server 127.0.0.1:${port};`,
    '    keepalive 32;',
    '}',
    '',
  ].join('\n');
}

/**
 * Points nginx at `colour`: writes the upstream file, has nginx test the whole config, then
 * reloads it gracefully (new requests go to the new colour, open ones finish on the old).
 * A refused config or a failed reload puts the old file back: traffic has not moved.
 * Then waits until nginx answers from the new colour on fresh connections.
 */
export async function switchNginx(nginx: NginxOptions, colour: Colour, port: number) {
  const previous = existsSync(nginx.upstreamFile)
    ? readFileSync(nginx.upstreamFile, 'utf8')
    : undefined;
  writeAtomically(nginx.upstreamFile, upstreamConf(colour, port));
  const restore = () => {
    if (previous !== undefined) writeAtomically(nginx.upstreamFile, previous);
  };
  const test = runNginx(nginx, ['-t']);
  if (test.status !== 0) {
    restore();
    throw new DeployFailed('switch', `nginx -t refused the config: ${test.output}`);
  }
  const reload = runNginx(nginx, ['-s', 'reload']);
  if (reload.status !== 0) {
    restore();
    throw new DeployFailed('switch', `nginx reload failed, nothing switched: ${reload.output}`);
  }
  await waitForColour(nginx.url, colour);
}

function runNginx(nginx: NginxOptions, args: string[]): { status: number | null; output: string } {
  const prefix = nginx.prefix ? ['-p', `${nginx.prefix}/`] : [];
  const result = spawnSync(nginx.bin, [...prefix, '-c', nginx.conf, ...args], { encoding: 'utf8' });
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}${result.error?.message ?? ''}`;
  return { status: result.status, output: output.trim() };
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * A reload is a signal: nginx starts new workers and retires the old ones a moment later.
 * Three answers in a row from the new colour, each on its own connection, mean it is done.
 */
async function waitForColour(url: string, colour: Colour, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await colourHeader(`${url}/health/live`).catch((e: Error) => `error: ${e.message}`);
    streak = seen === colour ? streak + 1 : 0;
    if (streak >= 3) return;
    await sleep(100);
  }
  throw new DeployFailed(
    'switch',
    `nginx reloaded but does not answer from ${colour} (saw ${seen})`,
  );
}

function colourHeader(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-switchboard-colour'] ?? 'none')));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
