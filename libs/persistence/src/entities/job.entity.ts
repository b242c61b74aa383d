import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JobStatus, Role, Tier } from '@switchboard/catalogue';
import { bigintToNumber } from './bigint.transformer';

export interface JobErrorInfo {
  message: string;
  code?: string;
  retryable?: boolean;
}

/** The job record: outlives BullMQ's retention and is what clients read. */
@Entity({ name: 'jobs' })
export class JobEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @Column({ type: 'smallint' })
  tier!: Tier;

  @Column({ type: 'varchar', length: 24 })
  status!: JobStatus;

  @Column({ type: 'integer', nullable: true })
  priority!: number | null;

  @Column({ name: 'delay_ms', type: 'integer', nullable: true })
  delayMs!: number | null;

  @Column({ type: 'boolean', default: false })
  privacy!: boolean;

  /** Escalation ceiling for the LLM router; null means the job's own tier. */
  @Column({ name: 'max_tier', type: 'smallint', nullable: true })
  maxTier!: Tier | null;

  @Column({ name: 'stream_failover', type: 'varchar', length: 8, nullable: true })
  streamFailover!: 'fail' | 'restart' | null;

  /** Shared by a job and its descendants; in every invocation-log row of theirs. */
  @Column({ name: 'trace_id', type: 'varchar', length: 64, nullable: true })
  traceId!: string | null;

  /** The API key that submitted the job: its key pools apply to the job's LLM calls. */
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  /** What a call the budget refuses does to the job; null means the default (`fail`). */
  @Column({ name: 'budget_policy', type: 'varchar', length: 8, nullable: true })
  budgetPolicy!: 'fail' | 'defer' | null;

  /** The job's own timeout; null means its role's default. */
  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs!: number | null;

  /** Tool-name patterns narrowing the role's tool allowlist; null: the role's whole list. */
  @Column({ name: 'allowed_tools', type: 'jsonb', nullable: true })
  allowedTools!: string[] | null;

  /** Set when a cancel was accepted: the job can then only end `cancelled`. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true })
  cancelRequestedAt!: Date | null;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'char', length: 64, nullable: true })
  requestHash!: string | null;

  @Column({ type: 'jsonb' })
  input!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  error!: JobErrorInfo | null;

  @Column({ type: 'jsonb', nullable: true })
  progress!: unknown;

  @Column({ name: 'attempts_made', type: 'integer', default: 0 })
  attemptsMade!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'input_tokens', type: 'bigint', default: 0, transformer: bigintToNumber })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'bigint', default: 0, transformer: bigintToNumber })
  outputTokens!: number;

  @Column({ name: 'cost_micros', type: 'bigint', default: 0, transformer: bigintToNumber })
  costMicros!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
