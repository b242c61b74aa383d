import {
  type ApiKeyInfo,
  type Tenant,
  TenantNotFoundError,
  type TenantsService,
} from '@switchboard/auth';
import type { CliCommand, CliInvocation } from './cli-args';
import { type CliOutput, table } from './cli-output';

/** Written to the audit log as the actor of every change made from the command line. */
export const CLI_ACTOR = 'cli';

type TenantCommand = Exclude<CliCommand, { kind: 'migrate' } | { kind: 'help' }>;

/** Runs one tenant or key command; errors propagate to the caller (exit code 1). */
export async function runTenantCommand(
  tenants: TenantsService,
  { command, json }: CliInvocation & { command: TenantCommand },
  io: CliOutput,
): Promise<void> {
  const print = (value: unknown, human: () => string[]) =>
    (json ? [JSON.stringify(value, null, 2)] : human()).forEach((line) => io.out(line));

  switch (command.kind) {
    case 'tenant:create': {
      const tenant = await tenants.createTenant(command.tenant, CLI_ACTOR);
      return print(tenant, () => [`Created tenant "${tenant.name}" (${tenant.id})`]);
    }
    case 'tenant:list': {
      const list = await tenants.listTenants();
      return print(list, () => (list.length ? tenantTable(list) : ['No tenants yet.']));
    }
    case 'key:create': {
      const tenant = await tenantByName(tenants, command.tenant);
      const created = await tenants.createApiKey(tenant.id, command.label, CLI_ACTOR);
      print(created, () => [
        `Created API key "${created.name}" for tenant "${tenant.name}"`,
        `  id:     ${created.id}`,
        `  prefix: ${created.prefix}`,
        `  key:    ${created.key}`,
      ]);
      return io.err('WARNING: store this key now. It is not stored and will not be shown again.');
    }
    case 'key:list': {
      const tenant = await tenantByName(tenants, command.tenant);
      const keys = await tenants.listApiKeys(tenant.id);
      return print(keys, () =>
        keys.length ? keyTable(keys) : [`Tenant "${tenant.name}" has no API keys.`],
      );
    }
    case 'key:revoke': {
      const key = await tenants.revokeApiKey(command.keyId, CLI_ACTOR);
      return print(key, () => [
        `API key "${key.name}" (${key.prefix}…) is revoked since ${(key.revokedAt ?? new Date()).toISOString()}: ` +
          'it no longer authenticates',
      ]);
    }
  }
}

async function tenantByName(tenants: TenantsService, name: string): Promise<Tenant> {
  const tenant = await tenants.findTenantByName(name);
  if (!tenant) throw new TenantNotFoundError(name);
  return tenant;
}

function tenantTable(list: Tenant[]): string[] {
  return table(
    ['ID', 'NAME', 'CREATED'],
    list.map((t) => [t.id, t.name, t.createdAt.toISOString()]),
  );
}

function keyTable(keys: ApiKeyInfo[]): string[] {
  return table(
    ['ID', 'PREFIX', 'NAME', 'CREATED', 'STATUS'],
    keys.map((k) => [
      k.id,
      k.prefix,
      k.name,
      k.createdAt.toISOString(),
      k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
    ]),
  );
}
