import { RedisModule } from '@switchboard/redis';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  ConsoleLogger,
  Controller,
  Get,
  type INestApplication,
  Logger,
  Module,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AdminGuard,
  ApiKeyGuard,
  AuthModule,
  CurrentPrincipal,
  type Principal,
  TenantsService,
} from '@switchboard/auth';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { PersistenceModule, runMigrations } from '@switchboard/persistence';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-services';

// The guards over real HTTP, with Nest's default exception filter (no problem+json here).
const suffix = randomBytes(5).toString('hex');
const ADMIN_TOKEN = 'guards-admin-token-0123456789';
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: `t_authg_${suffix}`,
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: `{t_authg_${suffix}}`,
  RATE_LIMIT_PER_MINUTE: '3',
  ADMIN_TOKEN,
});

@Controller('probe')
class ProbeController {
  @Get('me')
  @UseGuards(ApiKeyGuard)
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  /** A route that forgot its guard: reading the principal must fail, never serve anonymously. */
  @Get('unguarded')
  unguarded(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('admin')
  @UseGuards(AdminGuard)
  admin(): { ok: true } {
    return { ok: true };
  }
}

@Module({
  imports: [
    ConfigModule,
    PersistenceModule.forRoot('auth-guards-int-spec'),
    RedisModule,
    AuthModule,
  ],
  controllers: [ProbeController],
})
class ProbeModule {}

describe('auth guards over HTTP', () => {
  let app: INestApplication;
  let server: Server;
  let tenants: TenantsService;
  let tenantId: string;

  beforeAll(async () => {
    await runMigrations(config.database);
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
    server = app.getHttpServer() as Server;
    tenants = app.get(TenantsService);
    tenantId = (await tenants.createTenant('guarded', 'admin-api')).id;
  });

  afterAll(async () => {
    await app?.close();
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${config.database.schema}" CASCADE`);
    await pg.end();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${config.redis.prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const newKey = () => tenants.createApiKey(tenantId, 'probe', 'admin-api');

  describe('ApiKeyGuard', () => {
    it('refuses a request without a key', async () => {
      const res = await request(server).get('/probe/me').expect(401);
      expect(res.body).toMatchObject({ code: 'missing-api-key', detail: expect.any(String) });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="Switchboard"');
    });

    it('refuses an unknown key', async () => {
      const res = await request(server)
        .get('/probe/me')
        .set('Authorization', `Bearer sb_${randomBytes(32).toString('base64url')}`)
        .expect(401);
      expect(res.body).toMatchObject({ code: 'invalid-api-key' });
    });

    it('accepts a bearer key or X-API-Key, sets the principal and the RateLimit headers', async () => {
      const { key, id } = await newKey();
      const bearer = await request(server)
        .get('/probe/me')
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      expect(bearer.body).toEqual({ tenantId, keyId: id });
      expect(bearer.headers['ratelimit-limit']).toBe('3');
      expect(bearer.headers['ratelimit-remaining']).toBe('2');

      const header = await request(server).get('/probe/me').set('X-API-Key', key).expect(200);
      expect(header.body).toEqual({ tenantId, keyId: id });
      expect(header.headers['ratelimit-remaining']).toBe('1');
    });

    it('refuses a key from the moment it is revoked', async () => {
      const { key, id } = await newKey();
      await request(server).get('/probe/me').set('X-API-Key', key).expect(200);
      await tenants.revokeApiKey(id, 'admin-api');
      const res = await request(server).get('/probe/me').set('X-API-Key', key).expect(401);
      expect(res.body).toMatchObject({ code: 'invalid-api-key' });
    });

    it('answers 429 with Retry-After once the per-key limit is spent', async () => {
      const { key } = await newKey();
      for (let i = 0; i < 3; i++) {
        await request(server).get('/probe/me').set('X-API-Key', key).expect(200);
      }
      const res = await request(server).get('/probe/me').set('X-API-Key', key).expect(429);
      expect(res.body).toMatchObject({ code: 'rate-limited', detail: expect.any(String) });
      expect(res.body.retryAfterSeconds).toBeGreaterThan(0);
      expect(res.headers['retry-after']).toBe(String(res.body.retryAfterSeconds));
      expect(res.headers['ratelimit-remaining']).toBe('0');

      // Another key of the same tenant has its own budget.
      const { key: fresh } = await newKey();
      await request(server).get('/probe/me').set('X-API-Key', fresh).expect(200);
    });
  });

  it('fails a route that reads the principal without ApiKeyGuard, whatever the key', async () => {
    const { key } = await newKey();
    await request(server).get('/probe/unguarded').set('X-API-Key', key).expect(500);
    await request(server).get('/probe/unguarded').expect(500);
  });

  it('lets requests through without RateLimit headers while Redis is down', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const { key } = await newKey();
    const down = new Config(
      config.app,
      config.http,
      { ...config.redis, url: 'redis://127.0.0.1:1' },
      config.database,
      config.auth,
      config.worker,
      config.llm,
      config.budget,
      config.streams,
    );
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] })
      .overrideProvider(Config)
      .useValue(down)
      .setLogger(new ConsoleLogger({ logLevels: [] }))
      .compile();
    const degraded = moduleRef.createNestApplication({ logger: false });
    await degraded.init();
    try {
      for (let i = 0; i < 3; i += 1) {
        const res = await request(degraded.getHttpServer() as Server)
          .get('/probe/me')
          .set('X-API-Key', key)
          .expect(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
      // One warning for the outage, not one per request.
      const limiterWarnings = warn.mock.calls.filter(([m]) =>
        /^Rate limit not applied/.test(String(m)),
      );
      expect(limiterWarnings).toHaveLength(1);
    } finally {
      warn.mockRestore();
      await degraded.close();
      // ioredis arms a 2 s timer to destroy the socket of a failed connection on disconnect.
      await new Promise((resolve) => setTimeout(resolve, 2100));
    }
  });

  describe('AdminGuard', () => {
    const basic = (password: string) =>
      `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

    it('asks for credentials with a Basic challenge', async () => {
      const res = await request(server).get('/probe/admin').expect(401);
      expect(res.body).toMatchObject({ code: 'admin-credential-required' });
      expect(res.headers['www-authenticate']).toBe('Basic realm="Switchboard admin"');
    });

    it('accepts the admin token as a bearer token or as the Basic password', async () => {
      await request(server)
        .get('/probe/admin')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(200, { ok: true });
      await request(server)
        .get('/probe/admin')
        .set('Authorization', basic(ADMIN_TOKEN))
        .expect(200);
    });

    it('refuses a wrong token and API keys', async () => {
      const { key } = await newKey();
      for (const authorization of [`Bearer ${ADMIN_TOKEN}x`, basic('wrong'), `Bearer ${key}`]) {
        await request(server).get('/probe/admin').set('Authorization', authorization).expect(401);
      }
    });
  });
});
