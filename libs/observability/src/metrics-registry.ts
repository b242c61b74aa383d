import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The process's one metrics registry: every metric of every lib registers here, and both the
 * API's `GET /metrics` and the worker's metrics server render it. Default process metrics
 * (CPU, memory, event loop lag, GC) come with it.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** The Prometheus text exposition of every metric, and its content type. */
export async function renderMetrics(
  registry: Registry = metricsRegistry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
