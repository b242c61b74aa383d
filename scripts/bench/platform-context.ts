import 'reflect-metadata';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Config, loadConfig } from '@switchboard/config';
import { MaskingLogger } from '@switchboard/observability';
import { BenchPlatformModule } from './bench-platform.module';
import { deferCleanup } from './exit-cleanup';

/**
 * A Nest application context like the worker's (or `module`), configured by `env`.
 * ConfigModule reads process.env, so the leg's variables are set there first, and put back
 * afterwards so one leg's settings (LLM_CATALOGUE_FILE) never leak into the next; the logger
 * follows LOG_LEVEL exactly as apps/worker/src/main.ts sets it up.
 */
export async function withPlatformContext<T>(
  env: Record<string, string>,
  body: (app: INestApplicationContext, config: Config) => Promise<T>,
  module: Type<unknown> = BenchPlatformModule,
): Promise<T> {
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const config = loadConfig(process.env);
    const logger = new MaskingLogger('Bench', config.app.logLevel, config.app.production);
    logger.setSecrets(config.secrets());
    const app = await NestFactory.createApplicationContext(module, {
      logger,
      abortOnError: false,
    });
    const release = deferCleanup('platform context', () => app.close());
    try {
      return await body(app, app.get(Config));
    } finally {
      await release();
    }
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
