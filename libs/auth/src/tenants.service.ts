import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiKeyEntity, AuditLogEntity, TenantEntity } from '@switchboard/persistence';
import { type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { generateApiKey } from './api-key';
import { ApiKeyNotFoundError, TenantExistsError, TenantNotFoundError } from './auth.errors';
import type { ApiKeyInfo, CreatedApiKey, Tenant } from './auth.types';
import { assertActor, assertTenantName, isUuid, normaliseApiKeyName } from './auth.validation';

type AuditAction = 'tenant.create' | 'api_key.create' | 'api_key.revoke';

interface AuditEntry {
  actor: string;
  action: AuditAction;
  tenantId: string;
  target: string;
  details: Record<string, unknown>;
}

const PG_UNIQUE_VIOLATION = '23505';

/**
 * Tenants and their API keys: the admin actions behind the CLI and the admin API.
 * Each action and its audit row commit together, so the log never misses a change.
 */
@Injectable()
export class TenantsService {
  constructor(
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
  ) {}

  async createTenant(name: string, actor: string): Promise<Tenant> {
    assertTenantName(name);
    assertActor(actor);
    const tenant = { id: randomUUID(), name };
    try {
      return await this.tenants.manager.transaction(async (em) => {
        await em.insert(TenantEntity, tenant);
        await audit(em, {
          actor,
          action: 'tenant.create',
          tenantId: tenant.id,
          target: tenant.id,
          details: { name },
        });
        return toTenant(await em.findOneByOrFail(TenantEntity, { id: tenant.id }));
      });
    } catch (error) {
      // The unique index decides, so two concurrent creations cannot both succeed.
      if (isUniqueViolation(error)) throw new TenantExistsError(name);
      throw error;
    }
  }

  async findTenantByName(name: string): Promise<Tenant | null> {
    const tenant = await this.tenants.findOneBy({ name });
    return tenant ? toTenant(tenant) : null;
  }

  async findTenantById(id: string): Promise<Tenant | null> {
    if (!isUuid(id)) return null;
    const tenant = await this.tenants.findOneBy({ id });
    return tenant ? toTenant(tenant) : null;
  }

  async listTenants(): Promise<Tenant[]> {
    const tenants = await this.tenants.find({ order: { name: 'ASC' } });
    return tenants.map(toTenant);
  }

  /** The only time the plain key exists: only its hash is stored. */
  async createApiKey(tenantId: string, name: string, actor: string): Promise<CreatedApiKey> {
    const label = normaliseApiKeyName(name);
    assertActor(actor);
    if (!isUuid(tenantId)) throw new TenantNotFoundError(tenantId);
    const { key, hash, prefix } = generateApiKey();
    const id = randomUUID();
    return this.tenants.manager.transaction(async (em) => {
      // Locks the tenant row (FOR KEY SHARE) so the tenant cannot vanish under the insert.
      const tenant = await em.findOne(TenantEntity, {
        where: { id: tenantId },
        lock: { mode: 'for_key_share' },
      });
      if (!tenant) throw new TenantNotFoundError(tenantId);
      await em.insert(ApiKeyEntity, {
        id,
        tenantId,
        name: label,
        prefix,
        keyHash: hash,
        revokedAt: null,
      });
      await audit(em, {
        actor,
        action: 'api_key.create',
        tenantId,
        target: id,
        details: { name: label, prefix },
      });
      const saved = await em.findOneByOrFail(ApiKeyEntity, { id });
      return { ...toApiKeyInfo(saved), key };
    });
  }

  /** Idempotent: revoking a revoked key keeps its first revocation time. */
  async revokeApiKey(keyId: string, actor: string): Promise<ApiKeyInfo> {
    assertActor(actor);
    if (!isUuid(keyId)) throw new ApiKeyNotFoundError(keyId);
    return this.tenants.manager.transaction(async (em) => {
      const apiKey = await em.findOne(ApiKeyEntity, {
        where: { id: keyId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!apiKey) throw new ApiKeyNotFoundError(keyId);
      const alreadyRevoked = apiKey.revokedAt !== null;
      if (!alreadyRevoked) {
        await em.update(ApiKeyEntity, { id: keyId }, { revokedAt: () => 'now()' });
      }
      await audit(em, {
        actor,
        action: 'api_key.revoke',
        tenantId: apiKey.tenantId,
        target: keyId,
        details: { name: apiKey.name, prefix: apiKey.prefix, alreadyRevoked },
      });
      return toApiKeyInfo(await em.findOneByOrFail(ApiKeyEntity, { id: keyId }));
    });
  }

  /** Keys of one tenant, newest first, revoked ones included; never the hashes. */
  async listApiKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    if (!(await this.findTenantById(tenantId))) throw new TenantNotFoundError(tenantId);
    const keys = await this.apiKeys.find({
      select: {
        id: true,
        tenantId: true,
        name: true,
        prefix: true,
        createdAt: true,
        revokedAt: true,
      },
      where: { tenantId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return keys.map(toApiKeyInfo);
  }
}

async function audit(em: EntityManager, entry: AuditEntry): Promise<void> {
  await em.save(em.create(AuditLogEntity, entry));
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === PG_UNIQUE_VIOLATION
  );
}

function toTenant(entity: TenantEntity): Tenant {
  return { id: entity.id, name: entity.name, createdAt: entity.createdAt };
}

function toApiKeyInfo(entity: ApiKeyEntity): ApiKeyInfo {
  return {
    id: entity.id,
    tenantId: entity.tenantId,
    name: entity.name,
    prefix: entity.prefix,
    createdAt: entity.createdAt,
    revokedAt: entity.revokedAt,
  };
}
