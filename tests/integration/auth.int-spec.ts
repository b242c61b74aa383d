import { RedisModule } from '@switchboard/redis';
import { randomBytes, randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  ApiKeyAuthService,
  ApiKeyNotFoundError,
  AuthModule,
  InvalidTenantNameError,
  TenantExistsError,
  TenantNotFoundError,
  TenantsService,
} from '@switchboard/auth';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { PersistenceModule, runMigrations } from '@switchboard/persistence';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-services';

// Tenants, keys and their audit trail on real PostgreSQL, in a schema of this file's own.
const suffix = randomBytes(5).toString('hex');
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: `t_auth_${suffix}`,
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: `{t_auth_${suffix}}`,
});

interface AuditRow {
  actor: string;
  action: string;
  tenant_id: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

describe('tenants and API keys (PostgreSQL)', () => {
  let moduleRef: TestingModule;
  let tenants: TenantsService;
  let auth: ApiKeyAuthService;
  let pg: Client;

  beforeAll(async () => {
    await runMigrations(config.database);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule, PersistenceModule.forRoot('auth-int-spec'), RedisModule, AuthModule],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await moduleRef.init();
    tenants = moduleRef.get(TenantsService);
    auth = moduleRef.get(ApiKeyAuthService);
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await pg?.query(`DROP SCHEMA IF EXISTS "${config.database.schema}" CASCADE`);
    await pg?.end();
  });

  const auditRows = async (target: string): Promise<AuditRow[]> =>
    (
      await pg.query<AuditRow>(
        `SELECT actor, action, tenant_id, target, details
           FROM "${config.database.schema}".audit_log WHERE target = $1 ORDER BY id`,
        [target],
      )
    ).rows;

  describe('tenants and keys', () => {
    it('creates a tenant and a key that authenticates, and audits both', async () => {
      const tenant = await tenants.createTenant('acme', 'admin-api');
      expect(tenant).toMatchObject({ name: 'acme', id: expect.any(String) });
      expect(await tenants.findTenantByName('acme')).toEqual(tenant);
      expect(await tenants.findTenantById(tenant.id)).toEqual(tenant);
      expect(await tenants.findTenantByName('nobody')).toBeNull();
      expect((await tenants.listTenants()).map((t) => t.name)).toContain('acme');

      const created = await tenants.createApiKey(tenant.id, ' ci ', 'admin-api');
      expect(created.key).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
      expect(created).toMatchObject({ tenantId: tenant.id, name: 'ci', revokedAt: null });
      expect(created.prefix).toBe(created.key.slice(0, 11));
      expect(await auth.authenticate(created.key)).toEqual({
        tenantId: tenant.id,
        keyId: created.id,
      });

      // Only the hash is stored.
      const stored = await pg.query(
        `SELECT key_hash FROM "${config.database.schema}".api_keys WHERE id = $1`,
        [created.id],
      );
      expect(stored.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.rows[0].key_hash).not.toContain(created.key.slice(3, 20));

      expect(await auditRows(tenant.id)).toEqual([
        {
          actor: 'admin-api',
          action: 'tenant.create',
          tenant_id: tenant.id,
          target: tenant.id,
          details: { name: 'acme' },
        },
      ]);
      const keyAudit = await auditRows(created.id);
      expect(keyAudit).toEqual([
        {
          actor: 'admin-api',
          action: 'api_key.create',
          tenant_id: tenant.id,
          target: created.id,
          details: { name: 'ci', prefix: created.prefix },
        },
      ]);
      expect(JSON.stringify(keyAudit)).not.toContain(created.key);
    });

    it('lists keys without hashes or secrets', async () => {
      const tenant = await tenants.createTenant('lister', 'admin-api');
      const first = await tenants.createApiKey(tenant.id, 'one', 'admin-api');
      const second = await tenants.createApiKey(tenant.id, 'two', 'admin-api');
      const listed = await tenants.listApiKeys(tenant.id);
      expect(listed.map((k) => k.id).sort()).toEqual([first.id, second.id].sort());
      for (const key of listed) {
        expect(Object.keys(key).sort()).toEqual(
          ['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'tenantId'].sort(),
        );
      }
    });

    it('revokes at once and idempotently, auditing every attempt', async () => {
      const tenant = await tenants.createTenant('revoker', 'cli');
      const created = await tenants.createApiKey(tenant.id, 'temp', 'cli');
      expect(await auth.authenticate(created.key)).not.toBeNull();

      const revoked = await tenants.revokeApiKey(created.id, 'cli');
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      expect(await auth.authenticate(created.key)).toBeNull();

      const again = await tenants.revokeApiKey(created.id, 'cli');
      expect(again.revokedAt).toEqual(revoked.revokedAt);
      const audit = await auditRows(created.id);
      expect(audit.map((row) => [row.action, row.details.alreadyRevoked])).toEqual([
        ['api_key.create', undefined],
        ['api_key.revoke', false],
        ['api_key.revoke', true],
      ]);
    });

    it('refuses unknown, malformed and revoked keys', async () => {
      expect(await auth.authenticate(`sb_${randomBytes(32).toString('base64url')}`)).toBeNull();
      expect(await auth.authenticate('sb_short')).toBeNull();
      expect(await auth.authenticate("' OR 1=1 --")).toBeNull();
    });

    it('reports conflicts and missing things with clear errors, writing nothing', async () => {
      await tenants.createTenant('dup', 'cli');
      await expect(tenants.createTenant('dup', 'cli')).rejects.toThrow(TenantExistsError);
      await expect(tenants.createTenant('dup', 'cli')).rejects.toMatchObject({
        code: 'tenant-exists',
        httpStatus: 409,
        message: 'Tenant "dup" already exists',
      });
      const audits = await pg.query(
        `SELECT count(*)::int AS n FROM "${config.database.schema}".audit_log
          WHERE action = 'tenant.create' AND details->>'name' = 'dup'`,
      );
      expect(audits.rows[0].n).toBe(1);

      // Concurrent creations: the unique index lets exactly one win.
      const race = await Promise.allSettled(
        [1, 2, 3].map(() => tenants.createTenant('racer', 'cli')),
      );
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const lost of race.filter((r) => r.status === 'rejected')) {
        expect(lost.reason).toBeInstanceOf(TenantExistsError);
      }

      await expect(tenants.createTenant('Not Valid', 'cli')).rejects.toThrow(
        InvalidTenantNameError,
      );
      await expect(tenants.createApiKey(randomUUID(), 'x', 'cli')).rejects.toThrow(
        TenantNotFoundError,
      );
      await expect(tenants.createApiKey('not-a-uuid', 'x', 'cli')).rejects.toThrow(
        TenantNotFoundError,
      );
      await expect(tenants.listApiKeys(randomUUID())).rejects.toThrow(TenantNotFoundError);
      await expect(tenants.listApiKeys('not-a-uuid')).rejects.toThrow(TenantNotFoundError);
      expect(await tenants.findTenantById(randomUUID())).toBeNull();
      expect(await tenants.findTenantById("' OR 1=1 --")).toBeNull();
      await expect(tenants.revokeApiKey(randomUUID(), 'cli')).rejects.toThrow(ApiKeyNotFoundError);
      await expect(tenants.revokeApiKey('nope', 'cli')).rejects.toThrow(ApiKeyNotFoundError);
    });
  });
});
