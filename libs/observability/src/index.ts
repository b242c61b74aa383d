// Observability: logging that never prints a secret. Metrics and tracing ids join here
// as the platform grows.
export { MaskingLogger } from './masking.logger';
export { maskSecrets } from './mask-secrets';
export { armShutdownWatchdog } from './shutdown-watchdog';
