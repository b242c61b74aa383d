import { Logger } from '@nestjs/common';
import type { BudgetPool } from '@switchboard/budget';
import type { Config } from '@switchboard/config';
import { BudgetReconcileTask } from './budget-reconcile.task';
import type { SpendWindow } from './invocation-spend.query';

const NOW = new Date('2026-11-21T15:00:00Z');

const pool = (id: string, over: Partial<BudgetPool> = {}): BudgetPool => ({
  id,
  tenantId: 'tenant-1',
  scope: 'tenant',
  apiKeyId: null,
  period: 'daily',
  limitMicros: 1_000_000,
  mode: 'hard',
  thresholds: [80],
  timezone: 'UTC',
  webhookUrl: null,
  createdBy: 'admin',
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});

/** Redis counters and log sums per pool id; each read takes the next value of its list. */
function setup(repair: boolean, redis: Record<string, number[]>, log: Record<string, number[]>) {
  const pools = [
    pool('tenant-pool'),
    pool('key-pool', { scope: 'api_key', apiKeyId: 'key-1', period: 'lifetime' }),
    pool('job-pool', { scope: 'job', period: 'lifetime' }),
  ];
  const windows: SpendWindow[] = [];
  const written: [string, string, number][] = [];
  const next = (list: number[]) => (list.length > 1 ? list.shift()! : list[0]);
  const budget = {
    sweepExpired: async () => 2,
    counters: async (p: BudgetPool) => ({ spentMicros: next(redis[p.id]), reservedMicros: 0 }),
    setSpent: async (p: BudgetPool, key: string, micros: number) => {
      written.push([p.id, key, micros]);
      return true;
    },
  };
  const spend = {
    sum: async (w: SpendWindow) => {
      windows.push(w);
      return next(log[w.apiKeyId ? 'key-pool' : 'tenant-pool']);
    },
  };
  const config = {
    budget: { reconcileIntervalMs: 60_000, reconcileRepair: repair },
    llm: { invocationFlushMs: 250 },
  } as Config;
  const task = new BudgetReconcileTask(
    { listAll: async () => pools } as never,
    budget as never,
    spend as never,
    config,
    { now: () => NOW },
  );
  return { task, windows, written };
}

/** Runs the task with fake timers, so its wait for the log to flush takes no real time. */
async function run(task: BudgetReconcileTask) {
  jest.useFakeTimers();
  try {
    const result = task.run();
    await jest.advanceTimersByTimeAsync(5_000);
    return await result;
  } finally {
    jest.useRealTimers();
  }
}

describe('BudgetReconcileTask', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('compares tenant and key pools over their current period (job pools are skipped)', async () => {
    const { task, windows, written } = setup(
      false,
      { 'tenant-pool': [5_000], 'key-pool': [0] },
      {
        'tenant-pool': [3_000],
        'key-pool': [0],
      },
    );
    const summary = await run(task);
    expect(windows).toEqual([
      {
        tenantId: 'tenant-1',
        apiKeyId: null,
        from: new Date('2026-11-21T00:00:00Z'),
        to: new Date('2026-11-22T00:00:00Z'),
      },
      { tenantId: 'tenant-1', apiKeyId: 'key-1', from: null, to: null },
    ]);
    expect(summary).toEqual({
      pools: 2,
      drifted: 1,
      repaired: 0,
      sweptReservations: 2,
      drift: [
        expect.objectContaining({
          poolId: 'tenant-pool',
          periodKey: '2026-11-21',
          redisMicros: 5_000,
          logMicros: 3_000,
          driftMicros: 2_000,
          outcome: 'reported',
        }),
      ],
    });
    expect(written).toEqual([]);
  });

  it('with repair, rewrites Redis to the log when both sides held still', async () => {
    const { task, written } = setup(
      true,
      { 'tenant-pool': [5_000], 'key-pool': [100] },
      {
        'tenant-pool': [3_000],
        'key-pool': [1_700],
      },
    );
    const summary = await run(task);
    expect(summary.repaired).toBe(2);
    expect(written).toEqual([
      ['tenant-pool', '2026-11-21', 3_000],
      ['key-pool', 'lifetime', 1_700],
    ]);
  });

  it('leaves a drift that moved while it looked (the log was still catching up)', async () => {
    const { task, written } = setup(
      true,
      { 'tenant-pool': [5_000, 5_000], 'key-pool': [0] },
      {
        'tenant-pool': [3_000, 5_000],
        'key-pool': [0],
      },
    );
    const summary = await run(task);
    expect(summary.drift).toEqual([expect.objectContaining({ outcome: 'unsettled' })]);
    expect(written).toEqual([]);
  });
});
