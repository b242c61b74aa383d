import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@switchboard/config';
import { MaskingLogger, armShutdownWatchdog } from '@switchboard/observability';
import { parsePools } from './pool-spec';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  try {
    parsePools(config.worker.pools);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const logger = new MaskingLogger('Worker', config.app.logLevel, config.app.production);
  logger.setSecrets(config.secrets());
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger });
  // useProcessExit: after a graceful shutdown exit 0, rather than re-raising the signal (143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // Grace for running jobs, plus time for the hand-back and the closes after it.
  armShutdownWatchdog(logger, config.worker.shutdownGraceMs + 20_000);
  logger.log(`worker ready (pid ${process.pid})`);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error));
  process.stderr.write(`worker failed to start: ${message}\n`);
  process.exit(1);
});
