import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiKeyEntity } from '@switchboard/persistence';
import { IsNull, Repository } from 'typeorm';
import { hashApiKey, isWellFormedApiKey } from './api-key';
import type { Principal } from './auth.types';

/** Resolves an API key to its tenant. */
@Injectable()
export class ApiKeyAuthService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>) {}

  /**
   * One query on the unique `key_hash` index per call and no cache, so a revocation
   * takes effect on the very next request. Null for unknown, malformed or revoked keys.
   */
  async authenticate(rawKey: string): Promise<Principal | null> {
    if (!isWellFormedApiKey(rawKey)) return null;
    const apiKey = await this.apiKeys.findOne({
      select: { id: true, tenantId: true },
      where: { keyHash: hashApiKey(rawKey), revokedAt: IsNull() },
    });
    return apiKey ? { tenantId: apiKey.tenantId, keyId: apiKey.id } : null;
  }
}
