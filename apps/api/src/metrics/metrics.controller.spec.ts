import { NotFoundException } from '@nestjs/common';
import type { Config } from '@switchboard/config';
import { metricsEnabled, setMetricsEnabled } from '@switchboard/observability';
import type { Response } from 'express';
import { MetricsController } from './metrics.controller';

const configWith = (enabled: boolean) =>
  ({ metrics: { enabled, tenantLabels: [] } }) as unknown as Config;

describe('MetricsController', () => {
  afterEach(() => setMetricsEnabled(true));

  it('sets the switch off and answers 404 with METRICS_ENABLED=false', async () => {
    const controller = new MetricsController(configWith(false));
    expect(metricsEnabled()).toBe(false);
    await expect(controller.metrics({} as Response)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('serves the registry when on', async () => {
    const controller = new MetricsController(configWith(true));
    const sent: string[] = [];
    const res = {
      status: () => res,
      type: () => res,
      send: (body: string) => sent.push(body),
    } as unknown as Response;
    await controller.metrics(res);
    expect(metricsEnabled()).toBe(true);
    expect(sent[0]).toContain('process_cpu_user_seconds_total');
  });
});
