import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'scripts', 'deploy', 'deploy.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One run of the built deploy CLI; `onLine` sees its stdout lines as they come. */
export function runDeployCli(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string) => void,
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const line of c.toString().split('\n').filter(Boolean)) onLine?.(line);
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Every line of every colour's logs in the deploy state dir (worker and API output). */
export function colourLogLines(stateDir: string, kind: 'api' | 'worker'): string[] {
  const dir = join(stateDir, 'logs');
  return readdirSync(dir)
    .filter((f) => f.includes(`-${kind}`))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'));
}
