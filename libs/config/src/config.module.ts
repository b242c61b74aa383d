import { Global, Module } from '@nestjs/common';
import { Config, loadConfig } from './config';

/** Provides the validated `Config` to every module. Boot fails fast if it is invalid. */
@Global()
@Module({
  providers: [{ provide: Config, useFactory: () => loadConfig(process.env) }],
  exports: [Config],
})
export class ConfigModule {}
