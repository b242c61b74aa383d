import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * One durable step of a job's actor (send, spawn, once) at its position in the run's call
 * order. Owned by the actors lib (its JobStepsRepository is the only writer); rows go with
 * their job (`ON DELETE CASCADE`). LLM answers are not here: they stay in Redis.
 */
@Entity({ name: 'job_steps' })
export class JobStepEntity {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'send' | 'spawn' | 'once';

  /** The step without its kind, as the actors lib records it. */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
