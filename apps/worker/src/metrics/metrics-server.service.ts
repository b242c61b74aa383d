import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { setMetricsEnabled, startMetricsServer } from '@switchboard/observability';
import type { Server } from 'node:http';

/**
 * The worker has no HTTP server; with METRICS_PORT set it gets a tiny one for Prometheus
 * (`GET /metrics`, on API_HOST). Unset, nothing listens. It also sets the process's metrics
 * switch from METRICS_ENABLED (in its constructor, before any pool starts); off, no server
 * starts either.
 */
@Injectable()
export class MetricsServerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(private readonly config: Config) {
    setMetricsEnabled(config.metrics.enabled);
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.worker.metricsPort;
    if (port === undefined) return;
    if (!this.config.metrics.enabled) {
      this.logger.log('METRICS_ENABLED=false: no metrics server');
      return;
    }
    const host = this.config.http.host;
    const started = await startMetricsServer(port, host);
    this.server = started.server;
    this.logger.log(`metrics on http://${host}:${started.port}/metrics`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
