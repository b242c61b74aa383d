import { Injectable } from '@nestjs/common';
import { TenantsService } from '@switchboard/auth';
import { ProblemException } from '../problems/problem';
import type { Caller } from './caller';

/** Where a tenant id was asked for: decides between 400 (query) and 422 (body) when missing. */
export type TenantIdSource = 'query' | 'body';

/**
 * Which tenant a shared route acts on. An API key acts on its own tenant (naming another one
 * is refused the same way whether it exists or not); the admin token must name one.
 */
@Injectable()
export class TenantAccess {
  constructor(private readonly tenants: TenantsService) {}

  async resolve(caller: Caller, requested: string | undefined, source: TenantIdSource) {
    if (caller.kind === 'tenant') {
      const own = caller.principal.tenantId;
      if (requested !== undefined && requested !== own) {
        throw new ProblemException(
          403,
          'budget-forbidden',
          'An API key acts on its own tenant; tenantId is for the admin token.',
        );
      }
      return own;
    }
    if (requested === undefined) {
      const [status, code] = source === 'query' ? [400, 'invalid-query'] : [422, 'invalid-input'];
      throw new ProblemException(status, code, 'Invalid fields: tenantId. See errors.', {
        errors: [{ field: 'tenantId', message: 'required with the admin token' }],
      });
    }
    if (!(await this.tenants.findTenantById(requested))) {
      throw new ProblemException(404, 'tenant-not-found', `Tenant "${requested}" does not exist.`);
    }
    return requested;
  }
}
