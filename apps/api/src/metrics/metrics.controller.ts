import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { renderMetrics } from '@switchboard/observability';
import type { Response } from 'express';

/**
 * Prometheus scrape endpoint, from the process's shared registry. Unauthenticated like
 * /health: metric labels carry no tenant data. Keep it off the public internet.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.status(200).type(contentType).send(body);
  }
}
