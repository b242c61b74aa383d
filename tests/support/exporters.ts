import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './test-env';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-services';

// The Redis and PostgreSQL exporters the shipped prometheus.yml scrapes (jobs `redis` and
// `postgres`), run on loopback against the test Redis and PostgreSQL.

export class ExporterProcess {
  readonly output: string[] = [];
  private exited = false;

  private constructor(
    readonly name: string,
    readonly address: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) =>
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('close', () => (this.exited = true));
  }

  static async start(
    name: string,
    bin: string,
    args: (listen: string) => string[],
    env: Record<string, string> = {},
  ): Promise<ExporterProcess> {
    const address = `127.0.0.1:${await freePort()}`;
    const child = spawn(bin, args(address), {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exporter = new ExporterProcess(name, address, child);
    await exporter.waitServing();
    return exporter;
  }

  /** Until its /metrics answers 200. */
  private async waitServing(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      try {
        if ((await fetch(`http://${this.address}/metrics`)).status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} never served /metrics; output:\n${this.output.join('\n')}`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise((r) => this.child.once('close', r));
    this.child.kill('SIGTERM');
    await closed;
  }
}

/** oliver006/redis_exporter (Debian: prometheus-redis-exporter) on the test Redis. */
export function startRedisExporter(): Promise<ExporterProcess> {
  return ExporterProcess.start('redis-exporter', '/usr/bin/prometheus-redis-exporter', (listen) => [
    `-redis.addr=${TEST_REDIS_URL}`,
    `-web.listen-address=${listen}`,
  ]);
}

/** postgres_exporter (Debian: prometheus-postgres-exporter) on the test PostgreSQL. */
export function startPostgresExporter(): Promise<ExporterProcess> {
  const dsn = new URL(TEST_DATABASE_URL);
  if (!dsn.searchParams.has('sslmode')) dsn.searchParams.set('sslmode', 'disable');
  return ExporterProcess.start(
    'postgres-exporter',
    '/usr/bin/prometheus-postgres-exporter',
    (listen) => [`--web.listen-address=${listen}`],
    { DATA_SOURCE_NAME: dsn.toString() },
  );
}
