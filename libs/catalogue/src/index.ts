// The typed job catalogue: roles, tiers, mailbox names, per-role input and result schemas and
// default job options. The single source of truth for api, worker and the OpenAPI document.
export { ROLES, isRole, type Role } from './roles';
export { TIERS, TIER_DESCRIPTIONS, isTier, type Tier } from './tiers';
export { ALL_MAILBOXES, mailboxName, parseMailbox, type MailboxName } from './mailbox';
export { JOB_CATALOGUE, jobDefinition, type JobInput, type JobResult } from './catalogue';
export type { JobDefinition } from './job-definition';
export type { RoleJobOptions } from './job-options';
export { type Usage } from './common.schema';
export {
  TOOL_NAME,
  chatMessageSchema,
  contentPartSchema,
  responseFormatSchema,
  toolCallSchema,
  toolChoiceProblem,
  toolChoiceSchema,
  toolControls,
  toolDefinitionSchema,
  type ChatMessage,
} from './chat-messages.schema';
export {
  MAX_PATTERN_INSTRUCTIONS,
  TenantPattern,
  TenantPatternError,
  tenantPatternProblem,
} from './tenant-pattern';
export { REVIEW_VERDICTS } from './roles/reviewer.job';
export {
  JOB_STATUSES,
  FINISHED_STATUSES,
  INLINE_INPUT_LIMIT_BYTES,
  type JobData,
  type JobStatus,
} from './job-data';
export {
  JOB_COMPAT_VERSION,
  UNSTAMPED_JOB_COMPAT,
  canRunJob,
  effectiveJobCompat,
  jobCompatOf,
} from './job-compat';
export {
  MAX_JOB_TIMEOUT_MS,
  MIN_JOB_TIMEOUT_MS,
  parseJobRequest,
  toFieldProblems,
  type FieldProblem,
  type JobRequest,
  type JobRequestProblem,
} from './job-request';
export { TOOL_ALLOWLISTS, TOOL_PATTERN, MAX_ALLOWED_TOOLS } from './tool-allowlists';
export { catalogueOpenApiSchemas, openApiSchemaName } from './openapi-schemas';
