/**
 * Errors of the tenant and key admin actions. They carry a stable `code` and the HTTP
 * status an API should answer with, so the admin API maps them without a lookup table,
 * and the CLI prints their message.
 */
export abstract class AuthAdminError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: 400 | 404 | 409;
}

export class InvalidTenantNameError extends AuthAdminError {
  readonly code = 'invalid-tenant-name';
  readonly httpStatus = 400;
  constructor(name: string) {
    super(
      `Invalid tenant name "${name}": use 1-100 characters, lower-case letters, digits, ` +
        `"-", "_" or ".", starting with a letter or digit`,
    );
    this.name = 'InvalidTenantNameError';
  }
}

export class InvalidApiKeyNameError extends AuthAdminError {
  readonly code = 'invalid-api-key-name';
  readonly httpStatus = 400;
  constructor() {
    super('Invalid API key name: use 1-100 printable characters');
    this.name = 'InvalidApiKeyNameError';
  }
}

export class TenantExistsError extends AuthAdminError {
  readonly code = 'tenant-exists';
  readonly httpStatus = 409;
  constructor(readonly tenantName: string) {
    super(`Tenant "${tenantName}" already exists`);
    this.name = 'TenantExistsError';
  }
}

export class TenantNotFoundError extends AuthAdminError {
  readonly code = 'tenant-not-found';
  readonly httpStatus = 404;
  constructor(readonly tenant: string) {
    super(`Tenant "${tenant}" does not exist`);
    this.name = 'TenantNotFoundError';
  }
}

export class ApiKeyNotFoundError extends AuthAdminError {
  readonly code = 'api-key-not-found';
  readonly httpStatus = 404;
  constructor(readonly keyId: string) {
    super(`API key "${keyId}" does not exist`);
    this.name = 'ApiKeyNotFoundError';
  }
}
