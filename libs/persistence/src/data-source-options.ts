import type { DatabaseConfig } from '@switchboard/config';
import { MIGRATIONS } from '@switchboard/migrations';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditLogEntity } from './entities/audit-log.entity';
import { BudgetAlertEntity } from './entities/budget-alert.entity';
import { BudgetPoolEntity } from './entities/budget-pool.entity';
import { JobEntity } from './entities/job.entity';
import { JobStepEntity } from './entities/job-step.entity';
import { LlmInvocationEntity } from './entities/llm-invocation.entity';
import { TenantEntity } from './entities/tenant.entity';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  JobEntity,
  AuditLogEntity,
  LlmInvocationEntity,
  BudgetPoolEntity,
  BudgetAlertEntity,
  JobStepEntity,
];

/**
 * Options shared by the apps, the CLI and the migration runner. `search_path` points
 * unqualified SQL (the migrations) at the configured schema, so test runs can isolate.
 */
export function dataSourceOptions(
  config: DatabaseConfig,
  applicationName = 'switchboard',
): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    applicationName,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize: config.poolSize,
    extra: { options: `-c search_path=${config.schema}` },
  };
}
