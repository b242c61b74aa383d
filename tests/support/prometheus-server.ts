import { load, dump } from 'js-yaml';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-env';

// A real Prometheus for one test file: the shipped prometheus/prometheus.yml with its targets
// and service discovery swapped for loopback static targets (job names, labels and relabelling
// kept), the shipped rule files loaded unchanged, a 1 s scrape and evaluation interval, and a
// throwaway TSDB in a temp dir.

const ROOT = join(__dirname, '..', '..');
export const SHIPPED_PROMETHEUS_DIR = join(ROOT, 'prometheus');
const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** One loopback target of a scrape job, with labels the shipped discovery would have given. */
export interface LoopbackTarget {
  address: string;
  /** Target labels (may be `__meta_*` labels the shipped relabel_configs read). */
  labels?: Record<string, string>;
}

type ScrapeConfig = Record<string, unknown> & {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
};

interface PrometheusFile {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs: ScrapeConfig[];
  [key: string]: unknown;
}

/**
 * The shipped config with every job's discovery replaced by `targets[job]` (static configs).
 * Labels of the shipped static configs are kept; a shipped job without loopback targets, or
 * targets for a job the shipped config lacks, is an error (the suite must scrape every job).
 */
export function loopbackConfig(
  shipped: PrometheusFile,
  targets: Record<string, LoopbackTarget[]>,
  ruleFiles: string[],
): PrometheusFile {
  const jobs = shipped.scrape_configs.map((job) => job.job_name);
  const unknown = Object.keys(targets).filter((name) => !jobs.includes(name));
  if (unknown.length > 0) throw new Error(`no such job in prometheus.yml: ${unknown.join(', ')}`);
  const scrapeConfigs = shipped.scrape_configs.map((job) => {
    const mine = targets[job.job_name];
    if (!mine || mine.length === 0) {
      throw new Error(`prometheus.yml job ${job.job_name} has no loopback target in the test`);
    }
    const shippedLabels = job.static_configs?.[0]?.labels ?? {};
    const rest = Object.fromEntries(
      Object.entries(job).filter(
        ([key]) => key !== 'static_configs' && !key.endsWith('_sd_configs'),
      ),
    );
    return {
      ...rest,
      job_name: job.job_name,
      static_configs: mine.map((t) => ({
        targets: [t.address],
        labels: { ...shippedLabels, ...t.labels },
      })),
    };
  });
  return {
    ...shipped,
    global: {
      ...shipped.global,
      scrape_interval: '1s',
      evaluation_interval: '1s',
      scrape_timeout: '1s',
    },
    rule_files: ruleFiles,
    scrape_configs: scrapeConfigs,
  };
}

export function readShippedConfig(): PrometheusFile {
  return load(
    readFileSync(join(SHIPPED_PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'),
  ) as PrometheusFile;
}

/** Result of an instant query. */
export interface QueryResult {
  ok: boolean;
  error?: string;
  resultType?: string;
  /** Number of series (vector/matrix), or 1 for a scalar/string. */
  count: number;
  result: unknown;
}

export class PrometheusServer {
  readonly output: string[] = [];
  private exited = false;

  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) =>
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('close', () => (this.exited = true));
  }

  /**
   * Starts Prometheus on a free loopback port with the shipped config made loopback; the
   * config's own `prometheus` job is pointed at this server.
   */
  static async start(targets: Record<string, LoopbackTarget[]>): Promise<PrometheusServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'sb-prometheus-'));
    const ruleFiles = (readShippedConfig().rule_files ?? []).map((f) =>
      join(SHIPPED_PROMETHEUS_DIR, f),
    );
    const config = loopbackConfig(
      readShippedConfig(),
      { prometheus: [{ address: `127.0.0.1:${port}` }], ...targets },
      ruleFiles,
    );
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, dump(config));
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, port, dir, child);
    await server.waitReady();
    return server;
  }

  private async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      try {
        if ((await fetch(`${this.url}/-/ready`)).status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Prometheus never became ready; output:\n${this.output.slice(-30).join('\n')}`);
  }

  /** GET /api/v1/<path> and its `data`, or throws with Prometheus's error. */
  async api<T = any>(path: string, params: Record<string, string> = {}): Promise<T> {
    const query = new URLSearchParams(params).toString();
    const res = await fetch(`${this.url}/api/v1/${path}${query ? `?${query}` : ''}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  /** An instant query at now; a parse or evaluation error is returned, not thrown. */
  async query(expr: string): Promise<QueryResult> {
    const res = await fetch(`${this.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }).toString(),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      errorType?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success' || !body.data) {
      return { ok: false, error: `${body.errorType}: ${body.error}`, count: 0, result: null };
    }
    const { resultType, result } = body.data;
    const count =
      Array.isArray(result) && resultType !== 'scalar' && resultType !== 'string'
        ? result.length
        : 1;
    return { ok: true, resultType, count, result };
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const closed = new Promise((r) => this.child.once('close', r));
      this.child.kill('SIGTERM');
      await closed;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
