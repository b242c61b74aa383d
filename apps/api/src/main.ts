import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig } from '@switchboard/config';
import { CatalogueError, loadCatalogue } from '@switchboard/llm';
import { MaskingLogger, armShutdownWatchdog } from '@switchboard/observability';
import { ApiModule } from './api.module';
import { setupOpenApi } from './docs/openapi';
import { closeWhileDraining } from './drain/close-while-draining.middleware';
import { DrainState } from './drain/drain.state';
import { httpMetrics } from './metrics/http.metrics';
import { jsonBody } from './problems/json-body.middleware';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = new MaskingLogger('Api', config.app.logLevel, config.app.production);
  // Loaded here too so a bad catalogue stops the process before Nest starts, and so that
  // provider keys are masked from the first log line.
  const catalogue = loadCatalogue(config.llm, process.env);
  logger.setSecrets([...config.secrets(), ...catalogue.secrets()]);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, {
    logger,
    bodyParser: false,
  });
  const drain = app.get(DrainState);
  app.use(closeWhileDraining(drain));
  app.use(httpMetrics());
  app.use(jsonBody(config.http.bodyLimitBytes));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Registered first, so the drain flag is up before Nest's shutdown hooks run.
  drain.listenForSignals();
  // useProcessExit: exit 0 after a graceful shutdown instead of re-raising the signal (143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  armShutdownWatchdog(logger, 15_000);
  setupOpenApi(app);
  await app.listen(config.http.port, config.http.host);
  logger.log(`API listening on ${await app.getUrl()} (docs at /docs, Bull Board at /admin/queues)`);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof CatalogueError
      ? error.message
      : ((error as Error).stack ?? String(error));
  process.stderr.write(`api failed to start: ${message}\n`);
  process.exit(1);
});
