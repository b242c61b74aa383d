import { Module } from '@nestjs/common';
import { DrainState } from './drain.state';

/** One DrainState per process, shared by health (readiness) and events (SSE hint). */
@Module({ providers: [DrainState], exports: [DrainState] })
export class DrainModule {}
