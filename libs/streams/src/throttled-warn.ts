import type { Logger } from '@nestjs/common';

/**
 * A warning logged at most once per interval, with the number suppressed in between: during a
 * Redis outage every publish and every follower fails, and one line says as much as thousands.
 */
export function throttledWarn(logger: Logger, intervalMs = 10_000): (message: string) => void {
  let last = 0;
  let suppressed = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn(suppressed > 0 ? `${message} (+${suppressed} similar since)` : message);
    last = now;
    suppressed = 0;
  };
}
