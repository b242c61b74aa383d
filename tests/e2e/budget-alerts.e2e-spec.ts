import { Test, type TestingModule } from '@nestjs/testing';
import {
  BudgetModule,
  BudgetPoolsRepository,
  BudgetService,
  type BudgetPool,
  type BudgetSubject,
} from '@switchboard/budget';
import {
  BudgetAlertSinkService,
  BudgetAlertsModule,
  budgetAlertsTotal,
} from '@switchboard/budget-alerts';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { metricsRegistry } from '@switchboard/observability';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { RedisModule } from '@switchboard/redis';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenant } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { queryEnv } from '../support/store-probe';
import { waitUntil } from '../support/worker-kit';

// Alerts end to end. Settlements run here, in a BudgetService wired like a worker's (with the
// real alert sink); the platform's worker delivers the webhooks to a real HTTP receiver in
// this file, which verifies every signature and answers 500 to its first request, so one
// delivery is retried. Each threshold must fire exactly once, even when crossed again.

const SECRET = 'alert-webhook-secret-0123456789';
const LIMIT = 1_000_000; // $1
// 1 µ$ per output token: a call of n tokens costs n µ$ at worst and at best.
const prices = { input: 0, output: 1_000_000, cachedInput: 0 };

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver that records every request and fails the first one with 500. */
async function startReceiver(): Promise<{ server: Server; url: string; seen: Delivery[] }> {
  const seen: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = seen.length === 0 ? 500 : 204;
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/budget`, seen };
}

/** What a receiver must do: HMAC-SHA256 of "<timestamp>.<body>", compared in constant time. */
function signatureValid(d: Delivery): boolean {
  const timestamp = String(d.headers['x-switchboard-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${d.body}`).digest('hex')}`;
  const given = String(d.headers['x-switchboard-signature']);
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

describe('budget alerts: recorded once, counted, delivered as signed webhooks', () => {
  const platform = usePlatform({
    BUDGET_WEBHOOK_SECRET: SECRET,
    BUDGET_POOL_CACHE_MS: '0',
    METRICS_PORT: '0',
  });
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let moduleRef: TestingModule;
  let budget: BudgetService;
  let sink: BudgetAlertSinkService;
  let pool: BudgetPool;
  let subject: BudgetSubject;
  let workerMetricsUrl: string;

  /** One call's worth of spend: reserved, then settled at that cost. */
  async function spend(micros: number): Promise<void> {
    const reserved = await budget.reserve(subject, { inputTokens: 0, maxTokens: micros, prices });
    if (!reserved.ok) throw new Error(`refused: ${JSON.stringify(reserved.refusal)}`);
    await budget.settle(reserved.reservation, micros);
    await sink.drain();
  }
  const alertRows = () =>
    queryEnv<{ threshold: number; period_key: string; spent_micros: string }>(
      platform.env,
      'SELECT threshold, period_key, spent_micros FROM budget_alerts WHERE pool_id = $1 ORDER BY threshold',
      [pool.id],
    );

  beforeAll(async () => {
    receiver = await startReceiver();
    const tenant = await createTenant(platform.http, 'alerts');
    subject = { tenantId: tenant.tenantId, apiKeyId: tenant.keyId };
    const created = await platform.http('POST', '/v1/budgets', {
      admin: true,
      body: {
        scope: 'tenant',
        tenantId: tenant.tenantId,
        period: 'daily',
        limitMicros: LIMIT,
        webhookUrl: receiver.url,
      },
    });
    expect(created.status).toBe(201);
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        RedisModule,
        PersistenceModule.forRoot('budget-alerts-e2e'),
        QueueModule,
        BudgetModule,
        BudgetAlertsModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(loadConfig(platform.env.env))
      .compile();
    await moduleRef.init();
    budget = moduleRef.get(BudgetService);
    sink = moduleRef.get(BudgetAlertSinkService);
    pool = (await moduleRef.get(BudgetPoolsRepository).findById(created.body.id))!;
    await platform.worker.waitFor(/metrics on http:\/\/\S+\/metrics/);
    const line = platform.worker.output.find((l) => /metrics on http/.test(l))!;
    workerMetricsUrl = /(http:\/\/\S+\/metrics)/.exec(line)![1];
  });

  afterAll(async () => {
    await moduleRef?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('crossing 80, 90, 95 and 100 % records each threshold once, with the spend at the time', async () => {
    await spend(850_000); // 85 %: crosses 80
    await spend(50_000); // 90 %: crosses 90
    await spend(10_000); // 91 %: nothing new
    await spend(50_000); // 96 %: crosses 95
    await spend(40_000); // 100 %: crosses 100
    const today = new Date().toISOString().slice(0, 10);
    expect(await alertRows()).toEqual([
      { threshold: 80, period_key: today, spent_micros: '850000' },
      { threshold: 90, period_key: today, spent_micros: '900000' },
      { threshold: 95, period_key: today, spent_micros: '960000' },
      { threshold: 100, period_key: today, spent_micros: '1000000' },
    ]);
    const status = await platform.http('GET', `/v1/budgets/status?tenantId=${subject.tenantId}`, {
      admin: true,
    });
    expect(status.body.data[0]).toMatchObject({
      spentMicros: 1_000_000,
      spent: '1.000000',
      remainingMicros: 0,
      remaining: '0.000000',
    });
  });

  it('delivers one signed webhook per threshold; the one answered 500 is retried', async () => {
    await waitUntil(
      async () => receiver.seen.filter((d) => d.answered === 204).length === 4,
      '4 accepted deliveries',
    );
    expect(receiver.seen).toHaveLength(5);
    for (const d of receiver.seen) expect(signatureValid(d)).toBe(true);
    const tampered = {
      ...receiver.seen[1],
      body: receiver.seen[1].body.replace('"threshold"', '"Threshold"'),
    };
    expect(signatureValid(tampered)).toBe(false);

    const bodies = receiver.seen.map((d) => JSON.parse(d.body) as { alertId: string });
    const [failed, ...rest] = receiver.seen;
    const retry = rest.find((d) => d.body === failed.body)!;
    expect(retry.headers['x-switchboard-attempt']).toBe('2');
    expect(failed.headers['x-switchboard-attempt']).toBe('1');
    const accepted = receiver.seen
      .filter((d) => d.answered === 204)
      .map((d) => JSON.parse(d.body) as Record<string, any>);
    expect(accepted.map((b) => Number(b.threshold)).sort((x, y) => x - y)).toEqual([
      80, 90, 95, 100,
    ]);
    expect(accepted.find((b) => b.threshold === 95)).toEqual({
      event: 'budget.threshold_crossed',
      alertId: expect.stringContaining(pool.id),
      poolId: pool.id,
      tenantId: subject.tenantId,
      scope: 'tenant',
      apiKeyId: null,
      jobId: null,
      period: 'daily',
      periodKey: new Date().toISOString().slice(0, 10),
      mode: 'hard',
      threshold: 95,
      spentMicros: 960_000,
      spent: '0.960000',
      limitMicros: LIMIT,
      limit: '1.000000',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const d of receiver.seen) {
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-switchboard-event']).toBe('budget.threshold_crossed');
      expect(Number(d.headers['x-switchboard-timestamp'])).toBeGreaterThan(1_700_000_000);
    }
    expect(new Set(bodies.map((b) => b.alertId)).size).toBe(4);
  });

  it('a threshold crossed again in the same period fires nothing new', async () => {
    // As after a reconcile repair: the counter goes down and the spend crosses 80 % again.
    const periodKey = new Date().toISOString().slice(0, 10);
    await budget.setSpent(pool, periodKey, 0);
    await spend(900_000);
    // And as if another process had seen the same crossing.
    sink.alert({ pool, periodKey, jobId: null, threshold: 80, spentMicros: 1, limitMicros: LIMIT });
    await sink.drain();
    expect(await alertRows()).toHaveLength(4);
    // Any delivery would have been enqueued before drain() returned; give the worker a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.seen).toHaveLength(5);
  });

  it('counts alerts and deliveries in Prometheus metrics, in this process and the worker', async () => {
    const alerts = await budgetAlertsTotal.get();
    const counted = alerts.values.map((v) => [v.labels.threshold, v.labels.scope, v.value]);
    expect(counted.sort()).toEqual([
      ['100', 'tenant', 1],
      ['80', 'tenant', 1],
      ['90', 'tenant', 1],
      ['95', 'tenant', 1],
    ]);
    expect(await metricsRegistry.metrics()).toContain(
      'switchboard_budget_alerts_total{scope="tenant",threshold="95",mode="hard"} 1',
    );
    const worker = await fetch(workerMetricsUrl);
    expect(worker.status).toBe(200);
    const text = await worker.text();
    expect(text).toContain('switchboard_webhook_deliveries_total{result="delivered"} 4');
    expect(text).toContain('switchboard_webhook_deliveries_total{result="retrying"} 1');
    expect(text).toContain('# TYPE switchboard_budget_alerts_total counter');
    const api = await platform.http('GET', '/metrics');
    expect(api.status).toBe(200);
    expect(api.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(api.body).toContain('# TYPE switchboard_budget_alerts_total counter');
    expect(api.body).toContain('process_cpu_seconds_total');
  });
});
