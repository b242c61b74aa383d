import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from './bigint.transformer';

/** A budget threshold a pool crossed; unique per pool, period and threshold. Append-only. */
@Entity({ name: 'budget_alerts' })
export class BudgetAlertEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'period_key', type: 'varchar', length: 64 })
  periodKey!: string;

  @Column({ type: 'smallint' })
  threshold!: number;

  @Column({ name: 'spent_micros', type: 'bigint', transformer: bigintToNumber })
  spentMicros!: number;

  @Column({ name: 'limit_micros', type: 'bigint', transformer: bigintToNumber })
  limitMicros!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
