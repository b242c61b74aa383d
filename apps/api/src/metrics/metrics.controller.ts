import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Config } from '@switchboard/config';
import { renderMetrics, setMetricsEnabled } from '@switchboard/observability';
import type { Response } from 'express';

/**
 * Prometheus scrape endpoint, from the process's shared registry. Unauthenticated like
 * /health: metric labels carry no tenant data, except the bounded tenant label of the pools
 * an operator opted in (METRICS_TENANT_LABELS). Keep it off the public internet.
 *
 * It also sets the process's metrics switch from METRICS_ENABLED (controllers are built
 * before any timer starts); off, /metrics answers 404.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly enabled: boolean;

  constructor(config: Config) {
    this.enabled = config.metrics.enabled;
    setMetricsEnabled(this.enabled);
  }

  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    if (!this.enabled) throw new NotFoundException('metrics are off (METRICS_ENABLED=false)');
    const { contentType, body } = await renderMetrics();
    res.status(200).type(contentType).send(body);
  }
}
