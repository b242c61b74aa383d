import { Module } from '@nestjs/common';
import { AuthModule } from '@switchboard/auth';
import { DrainModule } from '../drain/drain.module';
import { JobEndWaiter } from './job-end.waiter';
import { JobEventStreamService } from './job-event-stream.service';
import { JobEventsController } from './job-events.controller';

/** GET /v1/jobs/:id/events (SSE) and the long-poll waiter behind GET /v1/jobs/:id?wait=. */
@Module({
  imports: [AuthModule, DrainModule],
  controllers: [JobEventsController],
  providers: [JobEventStreamService, JobEndWaiter],
  exports: [JobEndWaiter],
})
export class EventsModule {}
