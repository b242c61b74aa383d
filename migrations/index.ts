// TypeORM migrations, in order. The schema comes only from these, never from `synchronize`.
import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { JobsCreatedAtMillis1763800000000 } from './1763800000000-jobs-created-at-millis';
import { LlmInvocations1763900000000 } from './1763900000000-llm-invocations';
import { JobRoutingOptions1763950000000 } from './1763950000000-job-routing-options';
import { Budgets1764000000000 } from './1764000000000-budgets';
import { JobTimeout1764100000000 } from './1764100000000-job-timeout';
import { InvocationIds1764200000000 } from './1764200000000-invocation-ids';
import { BudgetPoolCreatorKey1764300000000 } from './1764300000000-budget-pool-creator-key';
import { ToolInvocations1764400000000 } from './1764400000000-tool-invocations';
import { McpToolApprovals1764500000000 } from './1764500000000-mcp-tool-approvals';
import { JobSteps1764600000000 } from './1764600000000-job-steps';
import { RetrievalCollections1764700000000 } from './1764700000000-retrieval-collections';

export const MIGRATIONS = [
  InitialSchema1763700000000,
  JobsCreatedAtMillis1763800000000,
  LlmInvocations1763900000000,
  JobRoutingOptions1763950000000,
  Budgets1764000000000,
  JobTimeout1764100000000,
  InvocationIds1764200000000,
  BudgetPoolCreatorKey1764300000000,
  ToolInvocations1764400000000,
  McpToolApprovals1764500000000,
  JobSteps1764600000000,
  RetrievalCollections1764700000000,
];
