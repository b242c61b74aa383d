import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DrainState } from '../drain/drain.state';
import { ProblemException } from '../problems/problem';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly drain: DrainState,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Redis and PostgreSQL answer; 503 otherwise, and 503 `draining` once shutting down',
  })
  ready() {
    // A draining instance is finishing its work for a deploy: take it out of rotation at once.
    if (this.drain.draining) {
      throw new ProblemException(503, 'draining', 'This instance is draining; use another one.');
    }
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      () => this.redis.ping('redis'),
    ]);
  }
}
