// Observability: logging that never prints a secret, and the process's one Prometheus
// metrics registry (with a tiny /metrics server for processes without HTTP). Tracing ids
// join here as the platform grows.
export { MaskingLogger } from './masking.logger';
export { maskSecrets } from './mask-secrets';
export { armShutdownWatchdog } from './shutdown-watchdog';
export { metricsRegistry, renderMetrics } from './metrics-registry';
export { startMetricsServer } from './metrics-server';
export { metricsEnabled, setMetricsEnabled } from './metrics-switch';
export { PeriodicRead } from './periodic-read';
