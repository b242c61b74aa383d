import { Injectable } from '@nestjs/common';
import { microsToDollars } from '@switchboard/budget';
import type { Caller } from '../budgets/caller';
import { parseOrProblem } from '../budgets/field-problems';
import { TenantAccess } from '../budgets/tenant-access';
import { costSources, type CostSources } from './cost-sources';
import { toFieldErrors } from '../jobs/field-errors';
import { ProblemException } from '../problems/problem';
import { costRange, costsQuerySchema, rangeProblems, type CostGroup } from './costs-query';
import { CostsRepository, type CostRow } from './costs.repository';

export interface CostRowView extends CostRow {
  cost: string;
}

export interface CostReport {
  tenantId: string;
  from: string;
  to: string;
  groupBy: CostGroup;
  data: CostRowView[];
  total: Omit<CostRowView, 'key'>;
  /** Which days came from the daily rollup and which from raw invocation rows. */
  sources: CostSources;
}

const withDollars = <T extends { costMicros: number }>(row: T) => ({
  ...row,
  cost: microsToDollars(row.costMicros),
});

/** GET /v1/costs: a tenant's LLM spend over whole UTC days, from the invocation log. */
@Injectable()
export class CostsService {
  constructor(
    private readonly repository: CostsRepository,
    private readonly access: TenantAccess,
  ) {}

  async report(caller: Caller, query: unknown): Promise<CostReport> {
    const q = parseOrProblem(costsQuerySchema, query, 'query');
    const tenantId = await this.access.resolve(caller, q.tenantId, 'query');
    const range = costRange(q, new Date());
    const errors = rangeProblems(range);
    if (errors.length > 0) {
      throw new ProblemException(400, 'invalid-query', toFieldErrors(errors).detail, { errors });
    }
    const sources = costSources(range, await this.repository.rollupRefreshes(range));
    const rows = await this.repository.spend(tenantId, sources, q.groupBy);
    const total = rows.reduce(
      (sum, r) => ({
        calls: sum.calls + r.calls,
        inputTokens: sum.inputTokens + r.inputTokens,
        outputTokens: sum.outputTokens + r.outputTokens,
        costMicros: sum.costMicros + r.costMicros,
      }),
      { calls: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 },
    );
    return {
      tenantId,
      ...range,
      groupBy: q.groupBy,
      data: rows.map(withDollars),
      total: withDollars(total),
      sources,
    };
  }
}
