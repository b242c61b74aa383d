import { metricsRegistry } from '@switchboard/observability';
import { Gauge } from 'prom-client';

/** What the gauges read at scrape time; set by the process's InvocationLog and the API. */
let memory: { readonly pendingRows: number } | undefined;
/** The ledger in Redis as last read by the API's LedgerBacklogCollector. */
interface LedgerBacklog {
  pending: number;
  lagSeconds: number;
  reservationsHeld: number;
}
let durable: LedgerBacklog | undefined;

/** The process's in-memory invocation log (LLM_INVOCATION_LOG=memory buffers here). */
export function watchInvocationBuffer(log: { readonly pendingRows: number }): void {
  memory = log;
}

/** The ledger's backlog as last read (by the API's timer). */
export function recordLedgerBacklog(backlog: LedgerBacklog): void {
  durable = backlog;
}

/**
 * Invocation rows not yet in Postgres. `log="memory"`: this process's buffer;
 * `log="durable"`: entries in the ledger stream (every process's), read by the API.
 */
export const invocationLogPending = new Gauge({
  name: 'switchboard_invocation_log_pending',
  help: 'Invocation rows recorded but not yet written to PostgreSQL',
  labelNames: ['log'] as const,
  registers: [metricsRegistry],
  collect() {
    if (memory) this.set({ log: 'memory' }, memory.pendingRows);
    if (durable) this.set({ log: 'durable' }, durable.pending);
  },
});

/** Age of the oldest unwritten entry of the ledger stream (0 when it is empty). */
export const invocationLogFlushLagSeconds = new Gauge({
  name: 'switchboard_invocation_log_flush_lag_seconds',
  help: 'Age of the oldest invocation row in the ledger stream not yet written to PostgreSQL',
  registers: [metricsRegistry],
  collect() {
    if (durable) this.set(durable.lagSeconds);
  },
});

/** Live budget reservations in Redis (calls in flight holding their worst case), every process's. */
export const budgetReservationsHeld = new Gauge({
  name: 'switchboard_budget_reservations_held',
  help: 'Budget reservations currently held in Redis (calls in flight)',
  registers: [metricsRegistry],
  collect() {
    if (durable) this.set(durable.reservationsHeld);
  },
});
