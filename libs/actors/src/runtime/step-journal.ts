import type { LlmResponse } from '@switchboard/llm';

export type Step =
  | { kind: 'llm'; response: LlmResponse }
  | { kind: 'send'; jobId: string }
  | { kind: 'spawn'; childIds: string[] }
  /** A side-effecting action run once (`DurableSteps.once`): started, then done. */
  | { kind: 'once'; label: string; state: 'started' }
  | { kind: 'once'; label: string; state: 'done'; value: unknown };

/**
 * The results of an actor's steps, by position in call order. When a job runs again (after
 * its children, a retry, or a crash) the handler runs from the top and steps already done
 * return their recorded results. Steps are kept in more than one place (send, spawn and once
 * in Postgres, LLM answers in Redis), so positions may have gaps in each.
 */
export class StepJournal {
  private next = 0;
  private readonly steps = new Map<number, Step>();

  /**
   * `recorded`: an array, nulls for gaps (the job's data, for jobs enqueued when the journal
   * lived there); `more`: steps kept elsewhere, by position. At a position the first wins.
   */
  constructor(
    recorded: readonly (Step | null)[] = [],
    ...more: (ReadonlyMap<number, Step> | undefined)[]
  ) {
    recorded.forEach((step, i) => step && this.steps.set(i, step));
    for (const source of more) {
      source?.forEach((step, i) => this.steps.has(i) || this.steps.set(i, step));
    }
  }

  /** The recorded step at the current position, if this is a replay, else undefined. */
  replay<K extends Step['kind']>(kind: K): Extract<Step, { kind: K }> | undefined {
    const step = this.steps.get(this.next);
    if (!step) return undefined;
    if (step.kind !== kind) {
      throw new Error(
        `Actor is not deterministic: step ${this.next} was '${step.kind}' and is now '${kind}'`,
      );
    }
    this.next++;
    return step as Extract<Step, { kind: K }>;
  }

  /**
   * Takes the current position for a step whose result comes later (an LLM call), so calls
   * made concurrently keep the positions of their call order.
   */
  claim(): number {
    return this.next++;
  }

  fill(position: number, step: Step): void {
    this.steps.set(position, step);
  }

  record(step: Step): number {
    const position = this.claim();
    this.fill(position, step);
    return position;
  }

  /** Position of the step about to be recorded. */
  get position(): number {
    return this.next;
  }

  toJSON(): (Step | null)[] {
    const last = Math.max(-1, ...this.steps.keys());
    return Array.from({ length: last + 1 }, (_, i) => this.steps.get(i) ?? null);
  }
}
