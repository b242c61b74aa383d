import type { DurableSteps } from '../capabilities/capability.types';
import type { StepJournal } from './step-journal';

/**
 * `DurableSteps` over the job's step journal: the step is recorded as started before the work
 * runs and as done with its value after, each time persisted before going on.
 */
export class JournaledSteps implements DurableSteps {
  constructor(
    private readonly journal: StepJournal,
    /** Makes the journal's current state durable. */
    private readonly persist: () => Promise<void>,
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
    const position = this.journal.record({ kind: 'once', label, state: 'started' });
    await this.persist();
    const value = await work();
    this.journal.fill(position, { kind: 'once', label, state: 'done', value });
    await this.persist();
    return { value };
  }
}
