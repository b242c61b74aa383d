import { Module } from '@nestjs/common';
import { TenantsService } from './tenants.service';

/**
 * Tenant and key administration without Redis, for the CLI. Needs the global `Config`
 * and `PersistenceModule` from the host application.
 */
@Module({ providers: [TenantsService], exports: [TenantsService] })
export class TenantsModule {}
