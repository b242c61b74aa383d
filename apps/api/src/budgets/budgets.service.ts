import { Injectable } from '@nestjs/common';
import {
  BudgetPoolsRepository,
  BudgetService,
  InvalidBudgetPoolError,
  type StoredBudgetPool,
} from '@switchboard/budget';
import { Config } from '@switchboard/config';
import { ApiKeyEntity } from '@switchboard/persistence';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ProblemException } from '../problems/problem';
import {
  createBudgetSchema,
  statusQuerySchema,
  tenantQuerySchema,
  updateBudgetSchema,
} from './budget-request';
import {
  toPoolView,
  toStatusView,
  type BudgetPoolView,
  type BudgetStatusView,
} from './budget.view';
import type { Caller } from './caller';
import { parseOrProblem } from './field-problems';
import { TenantAccess } from './tenant-access';
import { isPrivateWebhookHost } from './webhook-url-policy';

/**
 * Budget pools over HTTP. The admin token manages any pool of any tenant; an API key only
 * the `api_key` pools of its own tenant's keys. Another tenant's pool or key answers 404
 * exactly like a missing one.
 */
@Injectable()
export class BudgetsService {
  constructor(
    private readonly pools: BudgetPoolsRepository,
    private readonly budget: BudgetService,
    private readonly access: TenantAccess,
    private readonly config: Config,
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
  ) {}

  async create(caller: Caller, body: unknown): Promise<BudgetPoolView> {
    const request = parseOrProblem(createBudgetSchema, body, 'body');
    const tenantId = await this.access.resolve(caller, request.tenantId, 'body');
    if (caller.kind === 'tenant' && request.scope !== 'api_key') {
      throw forbidden(`${request.scope} pools are set by the operator (admin token)`);
    }
    if (request.apiKeyId) await this.assertKeyOf(tenantId, request.apiKeyId);
    this.assertWebhookAllowed(caller, request.webhookUrl);
    const creator =
      caller.kind === 'tenant'
        ? { createdBy: 'tenant' as const, createdByKeyId: caller.principal.keyId }
        : { createdBy: 'admin' as const };
    const pool = await mapPoolErrors(() => this.pools.create({ ...request, tenantId, ...creator }));
    this.budget.invalidate(tenantId);
    return toPoolView(pool);
  }

  async list(caller: Caller, query: unknown): Promise<{ data: BudgetPoolView[] }> {
    const q = parseOrProblem(tenantQuerySchema, query, 'query');
    const tenantId = await this.access.resolve(caller, q.tenantId, 'query');
    return { data: (await this.pools.list(tenantId)).map(toPoolView) };
  }

  async get(caller: Caller, id: string): Promise<BudgetPoolView> {
    return toPoolView(await this.find(caller, id));
  }

  async update(caller: Caller, id: string, body: unknown): Promise<BudgetPoolView> {
    const pool = await this.findModifiable(caller, id);
    const patch = parseOrProblem(updateBudgetSchema, body, 'body');
    this.assertWebhookAllowed(caller, patch.webhookUrl);
    const updated = await mapPoolErrors(() => this.pools.update(pool.id, patch));
    if (!updated) throw notFound(id);
    this.budget.invalidate(pool.tenantId);
    return toPoolView(updated);
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const pool = await this.findModifiable(caller, id);
    if (!(await this.pools.remove(pool.id))) throw notFound(id);
    this.budget.invalidate(pool.tenantId);
  }

  async status(caller: Caller, query: unknown): Promise<{ data: BudgetStatusView[] }> {
    const q = parseOrProblem(statusQuerySchema, query, 'query');
    const tenantId = await this.access.resolve(caller, q.tenantId, 'query');
    const statuses = await this.budget.status(tenantId, { apiKeyId: q.apiKeyId, jobId: q.jobId });
    return { data: statuses.map(toStatusView) };
  }

  /** The pool if the caller may see it; 404 otherwise, whoever owns it. */
  private async find(caller: Caller, id: string): Promise<StoredBudgetPool> {
    const tenantId = caller.kind === 'tenant' ? caller.principal.tenantId : undefined;
    const pool = await this.pools.findById(id, tenantId);
    if (!pool) throw notFound(id);
    return pool;
  }

  /**
   * The admin changes any pool. A key changes only the key pools it created: not a tenant or
   * job pool, not a limit the operator put on a key, and not a pool another of the tenant's
   * keys set. It sees them all (so 403, not 404).
   */
  private async findModifiable(caller: Caller, id: string): Promise<StoredBudgetPool> {
    const pool = await this.find(caller, id);
    if (caller.kind === 'admin') return pool;
    if (pool.scope !== 'api_key') {
      throw forbidden(`${pool.scope} pools are managed by the operator (admin token)`);
    }
    if (pool.createdBy !== 'tenant') {
      throw forbidden('this key pool was set by the operator (admin token)');
    }
    if (pool.createdByKeyId !== caller.principal.keyId) {
      throw forbidden('this key pool was set by another API key, and only that key changes it');
    }
    return pool;
  }

  /** A key of another tenant answers like a missing one: nothing about it leaks. */
  private async assertKeyOf(tenantId: string, apiKeyId: string): Promise<void> {
    if (!(await this.apiKeys.existsBy({ id: apiKeyId, tenantId }))) {
      throw new ProblemException(404, 'api-key-not-found', `API key "${apiKeyId}" does not exist.`);
    }
  }

  private assertWebhookAllowed(caller: Caller, url: string | null | undefined): void {
    if (!url) return;
    if (!this.config.budget.webhookSecret) {
      throw new ProblemException(
        422,
        'webhook-secret-missing',
        'Alert webhooks are signed with BUDGET_WEBHOOK_SECRET, which this deployment does ' +
          'not set. Ask the operator to configure it, or leave webhookUrl out.',
      );
    }
    if (caller.kind === 'tenant' && isPrivateWebhookHost(url)) {
      throw new ProblemException(422, 'invalid-input', 'Invalid fields: webhookUrl.', {
        errors: [{ field: 'webhookUrl', message: 'must be a public host' }],
      });
    }
  }
}

const notFound = (id: string) => new ProblemException(404, 'not-found', `No budget pool ${id}.`);

const forbidden = (why: string) =>
  new ProblemException(
    403,
    'budget-forbidden',
    `An API key may only manage api_key pools of its own tenant's keys; ${why}.`,
  );

/** The budget lib's own checks (mirrored by our schemas) answer like our field errors. */
async function mapPoolErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof InvalidBudgetPoolError) {
      throw new ProblemException(422, 'invalid-input', `Invalid fields: ${error.field}.`, {
        errors: [{ field: error.field, message: error.message }],
      });
    }
    throw error;
  }
}
