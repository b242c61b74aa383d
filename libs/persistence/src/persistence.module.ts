import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Config } from '@switchboard/config';
import { ENTITIES, dataSourceOptions } from './data-source-options';
import { InvocationsRepository } from './invocations.repository';
import { JobRecordsRepository } from './job-records.repository';

/** The TypeORM data source and repositories. Schema changes come from migrations only. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [Config],
          useFactory: (config: Config) => dataSourceOptions(config.database, applicationName),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [JobRecordsRepository, InvocationsRepository],
      exports: [TypeOrmModule, JobRecordsRepository, InvocationsRepository],
    };
  }
}
