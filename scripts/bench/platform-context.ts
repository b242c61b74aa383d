import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Config, loadConfig } from '@switchboard/config';
import { MaskingLogger } from '@switchboard/observability';
import { BenchPlatformModule } from './bench-platform.module';
import { deferCleanup } from './exit-cleanup';

/**
 * A Nest application context like the worker's, configured by `env`. ConfigModule reads
 * process.env, so the leg's variables are set there first; the logger follows LOG_LEVEL
 * exactly as apps/worker/src/main.ts sets it up.
 */
export async function withPlatformContext<T>(
  env: Record<string, string>,
  body: (app: INestApplicationContext, config: Config) => Promise<T>,
): Promise<T> {
  Object.assign(process.env, env);
  const config = loadConfig(process.env);
  const logger = new MaskingLogger('Bench', config.app.logLevel, config.app.production);
  logger.setSecrets(config.secrets());
  const app = await NestFactory.createApplicationContext(BenchPlatformModule, {
    logger,
    abortOnError: false,
  });
  const release = deferCleanup('platform context', () => app.close());
  try {
    return await body(app, app.get(Config));
  } finally {
    await release();
  }
}
