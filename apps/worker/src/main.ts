import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@switchboard/config';
import { CatalogueError, loadCatalogue } from '@switchboard/llm';
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
  // Loaded here too so a bad catalogue stops the process before Nest starts, and so that
  // provider keys are masked from the first log line.
  const catalogue = loadCatalogue(config.llm, process.env);
  logger.setSecrets([...config.secrets(), ...catalogue.secrets()]);
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger });
  // useProcessExit: after a graceful shutdown exit 0, rather than re-raising the signal (143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // Grace for running jobs, plus time for the hand-back and the closes after it.
  armShutdownWatchdog(logger, config.worker.shutdownGraceMs + 20_000);
  logger.log(`worker ready (pid ${process.pid})`);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof CatalogueError
      ? error.message
      : ((error as Error).stack ?? String(error));
  process.stderr.write(`worker failed to start: ${message}\n`);
  process.exit(1);
});
