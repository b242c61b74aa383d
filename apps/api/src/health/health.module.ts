import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DrainModule } from '../drain/drain.module';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DrainModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator],
})
export class HealthModule {}
