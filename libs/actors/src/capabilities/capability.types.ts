import type { Role } from '@switchboard/catalogue';
import type { LlmClient } from '@switchboard/llm';
import type { ActorMessage } from '../actor.types';
import type { JobEventSink } from '../runtime/usage-meter';

/**
 * What a job's `ctx` offers beyond the core (llm, send, spawnAndWait, progress). Empty here:
 * each capability lib adds its member by module augmentation, e.g.
 * `declare module '@switchboard/actors' { interface ActorCapabilities { tools: ToolsClient } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActorCapabilities {}

export type CapabilityName = keyof ActorCapabilities;

/**
 * A step whose result a later run of the job must see again (an action with side effects):
 * recorded durably, by position in the run's call order, like `send` and `spawnAndWait`.
 */
export interface DurableSteps {
  /**
   * Runs `work` once for the job, as the next step: a later run of the job gets the recorded
   * value back without running it; if an earlier run started it and died before recording
   * its result, `interrupted` is returned instead (running it again could repeat its effect).
   */
  once<T>(label: string, work: () => Promise<T>): Promise<{ value: T } | { interrupted: true }>;
}

/** What a capability gets for one run of one job. */
export interface CapabilityScope {
  message: ActorMessage<Role>;
  /** The job's LLM client: budgeted, routed, journaled, streamed into the job's events. */
  llm: LlmClient;
  /** Aborts on cancel, timeout or hand-back. */
  signal: AbortSignal;
  /** The job's event stream. */
  events?: JobEventSink;
  steps: DurableSteps;
  /** Tracks a write or call of the run: the runner waits for it after an abort. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** A provider marked `@Capability(name)`: builds the capability for each run. */
export interface CapabilityProvider<K extends CapabilityName = CapabilityName> {
  forRun(scope: CapabilityScope): ActorCapabilities[K];
}
