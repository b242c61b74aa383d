// The actor runtime: @Actor handlers (one per role, checked at boot), the job context
// (llm, send, spawnAndWait, progress) and the JobRunner wrapper that every job goes through.
export { ActorsModule, ROLE_ACTORS } from './actors.module';
export { Actor, ACTOR_ROLE } from './actor.decorator';
export { ActorRegistry } from './actor-registry';
export { ActorRegistrationError, checkActorCoverage } from './actor-coverage';
export {
  NonRetryableError,
  JobTimeoutError,
  JobCancelledError,
  HandBackSignal,
  ChildJobsFailedError,
} from './actor-errors';
export { JobRunner } from './runtime/job-runner';
export { Capability } from './capabilities/capability.decorator';
export { CapabilityRegistry } from './capabilities/capability-registry';
export type {
  ActorCapabilities,
  CapabilityName,
  CapabilityProvider,
  CapabilityScope,
  DurableSteps,
} from './capabilities/capability.types';
export type { JobEventSink } from './runtime/usage-meter';
export type {
  ActorContext,
  ActorHandler,
  ActorMessage,
  ChildSpec,
  ChildResults,
  SendOptions,
} from './actor.types';
