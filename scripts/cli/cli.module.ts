import { Module } from '@nestjs/common';
import { TenantsModule } from '@switchboard/auth';
import { ConfigModule } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';

/** Only what tenant and key administration needs: no Redis, no HTTP. */
@Module({
  imports: [ConfigModule, PersistenceModule.forRoot('switchboard-cli'), TenantsModule],
})
export class CliModule {}
