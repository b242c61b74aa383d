import type { DurableSteps } from '../capabilities/capability.types';
import type { DurableStep } from './job-steps.repository';
import type { StepJournal } from './step-journal';

/**
 * `DurableSteps` over the job's step journal: the step is recorded as started before the work
 * runs and as done with its value after, each time written durably before going on.
 */
export class JournaledSteps implements DurableSteps {
  constructor(
    private readonly journal: StepJournal,
    /** Makes one step durable at its position (a started step is later replaced by done). */
    private readonly persist: (position: number, step: DurableStep) => Promise<void>,
  ) {}

  async once<T>(
    label: string,
    work: () => Promise<T>,
  ): Promise<{ value: T } | { interrupted: true }> {
    const replayed = this.journal.replay('once');
    if (replayed) {
      if (replayed.label !== label) {
        throw new Error(
          `Actor is not deterministic: a step was '${replayed.label}' and is now '${label}'`,
        );
      }
      return replayed.state === 'done' ? { value: replayed.value as T } : { interrupted: true };
    }
    const started = { kind: 'once', label, state: 'started' } as const;
    const position = this.journal.record(started);
    await this.persist(position, started);
    const value = await work();
    const done = { kind: 'once', label, state: 'done', value } as const;
    this.journal.fill(position, done);
    await this.persist(position, done);
    return { value };
  }
}
