import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Config } from '@switchboard/config';
import { startMetricsServer } from '@switchboard/observability';
import type { Server } from 'node:http';

/**
 * The worker has no HTTP server; with METRICS_PORT set it gets a tiny one for Prometheus
 * (`GET /metrics`, on API_HOST). Unset, nothing listens.
 */
@Injectable()
export class MetricsServerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(private readonly config: Config) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.worker.metricsPort;
    if (port === undefined) return;
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
