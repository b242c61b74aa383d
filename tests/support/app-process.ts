import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A built app (`npm run build`) running as a real child process. */
export class AppProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;
  private closed = false;

  private constructor(
    readonly name: 'api' | 'worker',
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) =>
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // 'close', not 'exit': a process can exit before the last of its output has reached us
    // through the pipes, and tests read the output once it has stopped.
    this.exited = new Promise((resolve) =>
      child.once('close', (code) => {
        this.closed = true;
        resolve(code);
      }),
    );
  }

  static start(name: 'api' | 'worker', env: Record<string, string>): AppProcess {
    const entry = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(name, child);
  }

  /**
   * Waits for a line of output matching `pattern`, or fails with the output so far. The
   * default is a ceiling for a process start on a loaded machine, not a timing assertion.
   */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.output.some((line) => pattern.test(line))) return;
      if (this.closed) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `${this.name} never printed ${pattern}; output:\n${this.output.slice(-40).join('\n')}`,
    );
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  kill(): Promise<number | null> {
    return this.stop('SIGKILL');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}

/** API and worker started together; the API is ready when /health/ready says so. */
export async function startApps(
  env: Record<string, string>,
): Promise<{ api: AppProcess; worker: AppProcess }> {
  const api = AppProcess.start('api', env);
  const worker = AppProcess.start('worker', env);
  await Promise.all([api.waitFor(/API listening on/), worker.waitFor(/worker ready/)]);
  return { api, worker };
}
