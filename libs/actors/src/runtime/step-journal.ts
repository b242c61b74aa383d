import type { LlmResponse } from '@switchboard/llm';

export type Step =
  | { kind: 'llm'; response: LlmResponse }
  | { kind: 'send'; jobId: string }
  | { kind: 'spawn'; childIds: string[] };

/**
 * The results of an actor's steps, in call order. When a parent resumes after its children,
 * the handler runs again from the top and earlier steps return their recorded results.
 */
export class StepJournal {
  private next = 0;

  constructor(private readonly steps: Step[] = []) {}

  /** The recorded step at the current position, if this is a replay, else undefined. */
  replay<K extends Step['kind']>(kind: K): Extract<Step, { kind: K }> | undefined {
    const step = this.steps[this.next];
    if (!step) return undefined;
    if (step.kind !== kind) {
      throw new Error(
        `Actor is not deterministic: step ${this.next} was '${step.kind}' and is now '${kind}'`,
      );
    }
    this.next++;
    return step as Extract<Step, { kind: K }>;
  }

  record(step: Step): number {
    this.steps.push(step);
    return this.next++;
  }

  /** Position of the step about to be recorded. */
  get position(): number {
    return this.next;
  }

  toJSON(): Step[] {
    return this.steps;
  }
}
