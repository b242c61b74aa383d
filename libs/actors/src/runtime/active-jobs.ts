import { HandBackSignal } from '../actor-errors';

/** The abort controllers of jobs running in this process, so shutdown can hand them back. */
export class ActiveJobs {
  private readonly controllers = new Set<AbortController>();

  add(controller: AbortController): void {
    this.controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  get size(): number {
    return this.controllers.size;
  }

  handBackAll(): void {
    for (const controller of this.controllers) controller.abort(new HandBackSignal());
  }
}
