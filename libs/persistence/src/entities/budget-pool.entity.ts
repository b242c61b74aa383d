import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/**
 * A budget pool's definition. The live counters (spent, reserved) are in Redis; libs/budget
 * owns the meaning of these columns (its BudgetPool type), so they are plain strings here.
 */
@Entity({ name: 'budget_pools' })
export class BudgetPoolEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'varchar', length: 8 })
  scope!: 'tenant' | 'api_key' | 'job';

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'varchar', length: 8 })
  period!: 'daily' | 'weekly' | 'monthly' | 'lifetime';

  @Column({ name: 'limit_micros', type: 'bigint', transformer: bigintToNumber })
  limitMicros!: number;

  @Column({ type: 'varchar', length: 4 })
  mode!: 'hard' | 'soft';

  @Column({ type: 'smallint', array: true, default: () => `'{80,90,95,100}'` })
  thresholds!: number[];

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  /** Who set the pool: a tenant key may change only the key pools it set itself. */
  @Column({ name: 'created_by', type: 'varchar', length: 8, default: 'admin' })
  createdBy!: 'admin' | 'tenant';

  /** The API key that set a tenant's pool (null: the operator, or set before keys were kept). */
  @Column({ name: 'created_by_key_id', type: 'uuid', nullable: true })
  createdByKeyId!: string | null;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2000, nullable: true })
  webhookUrl!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
