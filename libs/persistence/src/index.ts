// Persistence: the TypeORM data source (PostgreSQL), entities, repositories and the
// migration runner. The schema comes only from `migrations/`, never from `synchronize`.
export { PersistenceModule } from './persistence.module';
export { ENTITIES, dataSourceOptions } from './data-source-options';
export { runMigrations } from './run-migrations';
export {
  JobRecordsRepository,
  UUID_PATTERN,
  type JobListFilter,
  type NewJobRecord,
} from './job-records.repository';
export type { CancelTarget } from './job-cancel.sql';
export { decodeJobCursor, encodeJobCursor } from './job-cursor';
export { TenantEntity } from './entities/tenant.entity';
export { ApiKeyEntity } from './entities/api-key.entity';
export { JobEntity, type JobErrorInfo } from './entities/job.entity';
export { AuditLogEntity } from './entities/audit-log.entity';
export { LlmInvocationEntity } from './entities/llm-invocation.entity';
export { BudgetPoolEntity } from './entities/budget-pool.entity';
export { BudgetAlertEntity } from './entities/budget-alert.entity';
export { JobStepEntity } from './entities/job-step.entity';
export { InvocationsRepository } from './invocations.repository';
export type { InvocationCallKind, InvocationOutcome, InvocationRow } from './invocation-row';
