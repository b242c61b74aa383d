import type { LoggerService } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT, gives graceful shutdown `ms` to finish, then exits with code 1 and says
 * so. Some closes never return while Redis is unreachable; a process must still go away.
 */
export function armShutdownWatchdog(logger: LoggerService, ms: number): void {
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      logger.error(`graceful shutdown after ${signal} did not finish in ${ms} ms; exiting`);
      process.exit(1);
    }, ms).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
