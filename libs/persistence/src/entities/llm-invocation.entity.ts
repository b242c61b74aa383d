import type { Role, Tier } from '@switchboard/catalogue';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InvocationCallKind, InvocationOutcome } from '../invocation-row';
import { bigintToNumber } from './bigint.transformer';

/**
 * One LLM call attempt, as the invocation log wrote it. Append-only: rows are inserted in
 * batches by InvocationsRepository.insertMany and only ever read (reports, rollup).
 */
@Entity({ name: 'llm_invocations' })
export class LlmInvocationEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** When the attempt started. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId!: string | null;

  @Column({ name: 'trace_id', type: 'varchar', length: 64, nullable: true })
  traceId!: string | null;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  /** The call attempt's id: one row per attempt, however often the durable log delivers it. */
  @Column({ name: 'invocation_id', type: 'uuid', nullable: true, unique: true })
  invocationId!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role!: Role | null;

  @Column({ type: 'smallint' })
  tier!: Tier;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ name: 'call_kind', type: 'varchar', length: 8 })
  callKind!: InvocationCallKind;

  /** 1-based index of this attempt within one routed call. */
  @Column({ type: 'smallint' })
  attempt!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: InvocationOutcome;

  @Column({ name: 'error_class', type: 'varchar', length: 32, nullable: true })
  errorClass!: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 500, nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'input_tokens', type: 'integer', default: 0 })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'integer', default: 0 })
  outputTokens!: number;

  @Column({ name: 'cached_input_tokens', type: 'integer', default: 0 })
  cachedInputTokens!: number;

  @Column({ name: 'cost_micros', type: 'bigint', default: 0, transformer: bigintToNumber })
  costMicros!: number;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'ttft_ms', type: 'integer', nullable: true })
  ttftMs!: number | null;

  /** The call's messages, only when LLM_LOG_PROMPTS is on. */
  @Column({ type: 'jsonb', nullable: true })
  prompt!: unknown;
}
