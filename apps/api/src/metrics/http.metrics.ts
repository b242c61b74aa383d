import { metricsRegistry } from '@switchboard/observability';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Requests by method, route template (never the raw path) and status code. */
export const httpRequestsTotal = new Counter({
  name: 'switchboard_http_requests_total',
  help: 'HTTP requests by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

/** Until the response ended (for a stream: until it closed). */
export const httpRequestDurationSeconds = new Histogram({
  name: 'switchboard_http_request_duration_seconds',
  help: 'HTTP request duration by method and route template',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Server-sent event streams open now, by stream (`job_events`, `chat_completions`). */
export const sseConnections = new Gauge({
  name: 'switchboard_sse_connections',
  help: 'Open server-sent event streams',
  labelNames: ['stream'] as const,
  registers: [metricsRegistry],
});

/** A path no route matched: one label value for all, so scanners cannot grow the series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The route template Express matched (`/v1/jobs/:id`), or `unmatched`. */
export function routeTemplate(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl}${route}` || '/';
}

/**
 * Express middleware (first in the chain, so requests refused by guards and filters count
 * too): counts and times each request when its response ends or its connection closes.
 */
export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      const method = req.method;
      const route = routeTemplate(req);
      // A client that went away before an answer was sent: nginx's 499.
      const status = res.headersSent ? String(res.statusCode) : '499';
      httpRequestsTotal.inc({ method, route, status });
      httpRequestDurationSeconds.observe({ method, route }, (performance.now() - started) / 1000);
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

/** Counts an SSE stream as open until its response closes. */
export function trackSseConnection(res: Response, stream: 'job_events' | 'chat_completions'): void {
  sseConnections.inc({ stream });
  let open = true;
  const closed = () => {
    if (!open) return;
    open = false;
    sseConnections.dec({ stream });
  };
  res.once('close', closed);
  res.once('finish', closed);
}
