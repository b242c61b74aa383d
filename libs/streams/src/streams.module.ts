import { Global, Module } from '@nestjs/common';
import { JobEventsHub } from './job-events.hub';
import { JobEventsPublisher } from './job-events.publisher';
import { JobEventsReader } from './job-events.reader';

/** Job event streams for the whole app: workers publish, the API follows. Needs RedisModule. */
@Global()
@Module({
  providers: [JobEventsPublisher, JobEventsReader, JobEventsHub],
  exports: [JobEventsPublisher, JobEventsReader],
})
export class StreamsModule {}
