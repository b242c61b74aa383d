// Per-job event streams in Redis Streams: the publisher workers write with (token deltas
// coalesced, capped, expiring after the end), the reader the API follows them with (one hub
// connection per process), and the event contract SSE clients see.
export { StreamsModule } from './streams.module';
export { JobEventsPublisher } from './job-events.publisher';
export { JobEventsReader } from './job-events.reader';
export {
  STREAM_START,
  compareStreamIds,
  isStreamId,
  jobEventsKey,
  parseStreamId,
} from './stream-id';
export type { JobEvent, JobEventType, StoredJobEvent } from './job-event.types';
