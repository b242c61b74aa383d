import type { Request } from 'express';

/** Who is calling: set on the request by ApiKeyGuard. */
export interface Principal {
  tenantId: string;
  keyId: string;
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

/** An API key as listings show it: never the key, never its hash. */
export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** The only place the plain key ever appears: the answer to its creation. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}
