import { NestFactory } from '@nestjs/core';
import { TenantsService, hashApiKey } from '@switchboard/auth';
import { ApiKeyEntity } from '@switchboard/persistence';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, IsNull } from 'typeorm';
import { CliModule } from '../cli/cli.module';

export const DEV_TENANT = 'dev';

interface DevCredentials {
  adminToken?: string;
  apiKey?: string;
}

/**
 * Development only: the dev tenant's key and a generated admin token are kept in plain text
 * under the data dir, so every `npm start` can print a working curl line. The database still
 * holds only the key's hash.
 */
export class DevCredentialsFile {
  private readonly path: string;
  private data: DevCredentials;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'dev-credentials.json');
    this.data = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as DevCredentials)
      : {};
  }

  adminToken(): string {
    this.data.adminToken ??= randomBytes(24).toString('base64url');
    this.save();
    return this.data.adminToken;
  }

  /** The dev tenant's API key: the saved one if it still works, else a new one. */
  async apiKey(): Promise<string> {
    const app = await NestFactory.createApplicationContext(CliModule, {
      logger: ['error', 'warn'],
    });
    try {
      if (this.data.apiKey && (await isLive(app.get(DataSource), this.data.apiKey)))
        return this.data.apiKey;
      const tenants = app.get(TenantsService);
      const tenant =
        (await tenants.findTenantByName(DEV_TENANT)) ??
        (await tenants.createTenant(DEV_TENANT, 'npm-start'));
      this.data.apiKey = (await tenants.createApiKey(tenant.id, 'dev', 'npm-start')).key;
      this.save();
      return this.data.apiKey;
    } finally {
      await app.close();
    }
  }

  private save(): void {
    writeFileSync(this.path, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
  }
}

async function isLive(db: DataSource, key: string): Promise<boolean> {
  return db.getRepository(ApiKeyEntity).existsBy({ keyHash: hashApiKey(key), revokedAt: IsNull() });
}
