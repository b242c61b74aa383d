/**
 * The process's metrics switch (`METRICS_ENABLED`, on by default). Each app sets it from its
 * config at boot; hot paths (the job wrapper, the worker gauges) ask it and record nothing
 * when it is off. The registry itself stays, so a metric declared at import costs nothing.
 */
let enabled = true;

export function setMetricsEnabled(on: boolean): void {
  enabled = on;
}

export function metricsEnabled(): boolean {
  return enabled;
}
