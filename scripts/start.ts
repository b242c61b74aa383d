// `npm start`: the whole platform on one machine. Without REDIS_URL / DATABASE_URL it starts a
// private redis-server and PostgreSQL with their data under ./.data (kept between starts).
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@switchboard/config';
import { runMigrations } from '@switchboard/persistence';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EmbeddedService } from './embedded/embedded-service';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startEmbeddedRedis } from './embedded/redis';
import { AppSupervisor } from './start/app-supervisor';
import { banner } from './start/banner';
import { DevCredentialsFile } from './start/dev-credentials';
import { waitForHttp } from './start/wait-for-http';

const log = (line: string) => process.stdout.write(`[start]  ${line}\n`);

async function main(): Promise<void> {
  const dataDir = resolve(process.env.SWITCHBOARD_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const services: EmbeddedService[] = [];
  let supervisor: AppSupervisor | undefined;
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('stopping...');
    await supervisor?.stopAll();
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  // npm does not always pass signals on to us; if whoever started us goes away, stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 1000).unref();
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const embedded: string[] = [];
    if (!env.REDIS_URL) {
      log('REDIS_URL is not set: starting an embedded redis-server');
      const redis = await startEmbeddedRedis({ dataDir: join(dataDir, 'redis'), log });
      services.push(redis);
      env.REDIS_URL = redis.url;
      embedded.push(`Redis ${redis.url}`);
    }
    if (!env.DATABASE_URL) {
      log('DATABASE_URL is not set: starting an embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({
        dataDir: join(dataDir, 'postgres'),
        database: 'switchboard',
        log,
      });
      services.push(pg);
      env.DATABASE_URL = pg.url;
      embedded.push(`PostgreSQL ${pg.url}`);
    }
    const credentials = new DevCredentialsFile(dataDir);
    env.ADMIN_TOKEN ??= credentials.adminToken();
    // Fail here, once, with every bad variable named, rather than in two children.
    const config = loadConfig(env);
    const applied = await runMigrations(config.database);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    Object.assign(process.env, env);
    const apiKey = await credentials.apiKey();
    supervisor = new AppSupervisor(env, (name, code) => {
      log(`${name} exited unexpectedly (code ${code}); stopping everything`);
      void shutdown(1);
    });
    supervisor.start('api');
    supervisor.start('worker');
    const url = config.http.publicUrl;
    await waitForHttp(`${url}/health/ready`);
    process.stdout.write(
      `${banner({ url, apiKey, adminToken: config.auth.adminToken, embedded })}\n`,
    );
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    process.stderr.write(`\nnpm start failed: ${message}\n`);
    await shutdown(1);
  }
}

void main();
