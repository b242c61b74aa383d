import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ProviderAdapter } from '../providers/provider.types';

export interface ProviderHealth {
  status: 'up' | 'down' | 'unknown';
  /** ISO time of the last check, by whichever process ran it. */
  checkedAt: string | null;
  latencyMs: number | null;
  error: string | null;
}

const UNKNOWN: ProviderHealth = {
  status: 'unknown',
  checkedAt: null,
  latencyMs: null,
  error: null,
};

/**
 * Checks each provider periodically (a models listing) and caches the result in Redis, so
 * one process per interval does the check and every process, API included, reads it.
 */
export class HealthMonitor {
  private readonly logger = new Logger('HealthMonitor');
  private readonly latest = new Map<string, ProviderHealth>();
  private down: ReadonlySet<string> = new Set();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Providers whose last check failed. */
  unhealthy(): ReadonlySet<string> {
    return this.down;
  }

  /** Runs the checks that are due (one process per interval) and refreshes the cache. */
  tick(): Promise<void> {
    this.running ??= this.checkDue()
      .then(() => this.refresh())
      .catch((error: Error) => this.logger.warn(`health check round failed: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** The cached health of every provider, read fresh from Redis. */
  async snapshot(): Promise<Map<string, ProviderHealth>> {
    await this.refresh();
    return new Map(this.latest);
  }

  private async checkDue(): Promise<void> {
    await Promise.all(
      [...this.adapters.values()].map(async (adapter) => {
        const lease = Math.max(1, Math.floor(this.intervalMs * 0.9));
        const won = await this.redis.set(this.key(adapter.name, 'lock'), '1', 'PX', lease, 'NX');
        if (won !== 'OK') return;
        const health = await this.check(adapter);
        await this.redis.set(
          this.key(adapter.name, 'health'),
          JSON.stringify(health),
          'PX',
          this.intervalMs * 3,
        );
      }),
    );
  }

  private async check(adapter: ProviderAdapter): Promise<ProviderHealth> {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      await adapter.health(AbortSignal.timeout(this.timeoutMs));
      return {
        status: 'up',
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
        error: null,
      };
    } catch (error) {
      return {
        status: 'down',
        checkedAt,
        latencyMs: Math.round(performance.now() - started),
        error: ((error as Error).message ?? String(error)).slice(0, 300),
      };
    }
  }

  private async refresh(): Promise<void> {
    const names = [...this.adapters.keys()];
    if (names.length === 0) return;
    const values = await this.redis.mget(names.map((n) => this.key(n, 'health')));
    const down = new Set<string>();
    names.forEach((name, i) => {
      const health = values[i] ? (JSON.parse(values[i]) as ProviderHealth) : UNKNOWN;
      this.latest.set(name, health);
      if (health.status === 'down') down.add(name);
    });
    this.down = down;
  }

  private key(provider: string, what: 'lock' | 'health'): string {
    return `${this.prefix}:llm:${what}:${provider}`;
  }
}
