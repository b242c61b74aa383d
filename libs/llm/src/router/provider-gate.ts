import { Logger } from '@nestjs/common';
import type { CircuitBreakerConfig } from '@switchboard/config';
import type { Redis } from 'ioredis';
import { llmCooldownsTotal, observeCircuit } from './llm.metrics';
import { ACQUIRE_SCRIPT, COOLDOWN_SCRIPT, RECORD_SCRIPT } from './provider-gate.scripts';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** The answer to "may this process call the provider now?" */
export interface GateTicket {
  allowed: boolean;
  /** `probe` when this call is the one half-open trial; `cooldown` after a 429. */
  state: CircuitState | 'probe' | 'cooldown';
  /** When refused: how long until it may be allowed. */
  waitMs: number;
}

export interface GateStatus {
  circuit: CircuitState;
  consecutiveFailures: number;
  /** Epoch ms; set while open. */
  openUntil: number | null;
  /** Epoch ms of the last state change. */
  changedAt: number | null;
  timesOpened: number;
  /** Milliseconds left of a 429 cooldown, 0 when none. */
  cooldownMs: number;
}

type Acquire = (
  gate: string,
  cooldown: string,
  leaseMs: number,
) => Promise<[number, string, number]>;
type RecordOutcome = (
  gate: string,
  window: string,
  ...args: (string | number)[]
) => Promise<string>;
type Cooldown = (key: string, ms: number) => Promise<number>;
type GateRedis = Redis & {
  sbGateAcquire?: Acquire;
  sbGateRecord?: RecordOutcome;
  sbGateCooldown?: Cooldown;
};

/**
 * One circuit breaker and one 429 cooldown per provider, kept in Redis so every worker
 * process agrees. One EVALSHA before a call and one after it. If Redis is unreachable the
 * gate fails open: calls still go out, guarded by the router's own failover.
 */
export class ProviderGate {
  private readonly logger = new Logger('ProviderGate');
  private lastWarning = 0;
  /** Per provider: until when a `closed` answer from Redis is trusted without asking again. */
  private readonly closedUntil = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly breaker: CircuitBreakerConfig,
    /** How long a half-open probe may take before another caller may probe. */
    private readonly probeLeaseMs: number,
    /** How long a `closed` answer is trusted in this process (0: never). */
    private readonly cacheMs = 0,
  ) {
    const r = redis as GateRedis;
    if (!r.sbGateAcquire)
      r.defineCommand('sbGateAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    if (!r.sbGateRecord) r.defineCommand('sbGateRecord', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    if (!r.sbGateCooldown) {
      r.defineCommand('sbGateCooldown', { numberOfKeys: 1, lua: COOLDOWN_SCRIPT });
    }
  }

  async acquire(provider: string): Promise<GateTicket> {
    // Most calls find the circuit closed: trusting that for a few ms saves a round trip each.
    if (this.cacheMs > 0 && Date.now() < (this.closedUntil.get(provider) ?? 0)) {
      return { allowed: true, state: 'closed', waitMs: 0 };
    }
    try {
      const [allowed, state, waitMs] = await (this.redis as GateRedis).sbGateAcquire!(
        this.key(provider),
        this.cooldownKey(provider),
        this.probeLeaseMs,
      );
      observeCircuit(provider, state);
      if (allowed === 1 && state === 'closed' && this.cacheMs > 0) {
        this.closedUntil.set(provider, Date.now() + this.cacheMs);
      }
      return { allowed: allowed === 1, state: state as GateTicket['state'], waitMs };
    } catch (error) {
      this.warn(error);
      return { allowed: true, state: 'closed', waitMs: 0 };
    }
  }

  /** `release`: the call proves nothing (cancelled, rate-limited); a probe slot is freed. */
  async record(
    provider: string,
    outcome: 'ok' | 'fail' | 'release',
    probe: boolean,
  ): Promise<CircuitState | undefined> {
    const b = this.breaker;
    // A failure here may open the circuit: ask Redis again before the next call.
    if (outcome === 'fail') this.closedUntil.delete(provider);
    try {
      const state = await (this.redis as GateRedis).sbGateRecord!(
        this.key(provider),
        `${this.key(provider)}:window`,
        outcome,
        probe ? 1 : 0,
        b.failures,
        b.failureRate,
        b.minCalls,
        b.windowMs,
        b.cooldownMs,
      );
      observeCircuit(provider, state);
      return state as CircuitState;
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  /** After a 429: nobody calls the provider until `ms` have passed. */
  async coolDown(provider: string, ms: number): Promise<void> {
    this.closedUntil.delete(provider);
    llmCooldownsTotal.inc({ provider });
    try {
      await (this.redis as GateRedis).sbGateCooldown!(this.cooldownKey(provider), Math.ceil(ms));
    } catch (error) {
      this.warn(error);
    }
  }

  async status(providers: readonly string[]): Promise<Map<string, GateStatus>> {
    const pipeline = this.redis.pipeline();
    for (const name of providers) {
      pipeline.hmget(this.key(name), 'state', 'fails', 'openUntil', 'changedAt', 'opened');
      pipeline.pttl(this.cooldownKey(name));
    }
    const replies = (await pipeline.exec()) ?? [];
    const result = new Map<string, GateStatus>();
    providers.forEach((name, i) => {
      const [state, fails, openUntil, changedAt, opened] = (replies[2 * i]?.[1] ?? []) as (
        string | null
      )[];
      const cooldown = Number(replies[2 * i + 1]?.[1] ?? -2);
      observeCircuit(name, state ?? 'closed');
      result.set(name, {
        circuit: (state as CircuitState | null) ?? 'closed',
        consecutiveFailures: Number(fails ?? 0),
        openUntil: state === 'open' && openUntil ? Number(openUntil) : null,
        changedAt: changedAt ? Number(changedAt) : null,
        timesOpened: Number(opened ?? 0),
        cooldownMs: cooldown > 0 ? cooldown : 0,
      });
    });
    return result;
  }

  // The prefix comes first so a `{hash tag}` in it keeps every key on one Cluster slot.
  private key(provider: string): string {
    return `${this.prefix}:llm:gate:${provider}`;
  }

  private cooldownKey(provider: string): string {
    return `${this.prefix}:llm:cooldown:${provider}`;
  }

  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn(`provider gate unavailable, failing open: ${(error as Error).message}`);
  }
}
