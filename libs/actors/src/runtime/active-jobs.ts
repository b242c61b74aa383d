import { HandBackSignal, JobCancelledError } from '../actor-errors';

/**
 * The runs in this process, by job id, with their abort controllers: a cancel finds the run
 * of its job here, and shutdown hands them all back.
 */
export class ActiveJobs {
  private readonly runs = new Map<string, AbortController>();

  add(jobId: string, controller: AbortController): void {
    this.runs.set(jobId, controller);
  }

  /** Only the run that registered: a later run of the same job keeps its entry. */
  delete(jobId: string, controller: AbortController): void {
    if (this.runs.get(jobId) === controller) this.runs.delete(jobId);
  }

  get size(): number {
    return this.runs.size;
  }

  running(): string[] {
    return [...this.runs.keys()];
  }

  /** Aborts the job's run with a JobCancelledError; false when it does not run here. */
  cancel(jobId: string): boolean {
    const controller = this.runs.get(jobId);
    if (!controller || controller.signal.aborted) return false;
    controller.abort(new JobCancelledError());
    return true;
  }

  handBackAll(): void {
    for (const controller of this.runs.values()) {
      if (!controller.signal.aborted) controller.abort(new HandBackSignal());
    }
  }
}
