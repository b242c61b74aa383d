import { Counter, Registry } from 'prom-client';
import { startMetricsServer } from './metrics-server';

describe('startMetricsServer', () => {
  it('serves the registry it is given at GET /metrics, and 404 elsewhere', async () => {
    const registry = new Registry();
    new Counter({ name: 'bench_only_total', help: 'x', registers: [registry] }).inc(3);
    const { server, port } = await startMetricsServer(0, '127.0.0.1', registry);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('bench_only_total 3');
      expect(body).not.toContain('process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
