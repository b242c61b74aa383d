// Tools for agents: the registry (local @LocalTool classes and tool sources such as MCP
// servers), role allowlists applied per job, the tool loop behind `ctx.tools.run`, and the
// built-in tools (code_check, calculator, current_time, json_query, http_fetch, http_request).
export { ToolsModule, BUILTIN_TOOLS } from './tools.module';
export { ToolRegistry } from './tool-registry';
export { ToolRegistrationError } from './tool-registration.error';
export {
  LocalTool,
  LOCAL_TOOL,
  type LocalToolHandler,
  type LocalToolOptions,
} from './local-tool.decorator';
export { TOOL_NAME_RULE, checkWith, toolInputSchema } from './local-tool-definition';
export {
  checkAllowedTools,
  globMatcher,
  matchesAny,
  mayMatchPrefix,
  mayShowServer,
  mustStayLocal,
  roleAllows,
  visibleTools,
  type ToolJob,
  type ToolRequestProblem,
} from './tool-visibility';
export { ToolsCapability } from './tools.capability';
export { ToolLoop } from './tool-loop';
export { ToolInvocationsRepository, type ToolInvocationRow } from './tool-invocations.repository';
export { toolCallsTotal, toolCallDurationSeconds } from './tool.metrics';
export { canonicalJson } from './canonical-json';
export type {
  ToolCallRecord,
  ToolOutcome,
  ToolRunRequest,
  ToolRunResult,
  ToolsClient,
} from './tools-client';
export type {
  ArgumentCheck,
  RunToolProvider,
  RunToolServer,
  RunToolSources,
  ToolCallContext,
  ToolDefinition,
  ToolOrigin,
  ToolOutput,
  ToolSource,
} from './tool.types';
export { checkCode, type CodeCheckResult, type CodeDiagnostic } from './builtin/code-check.tool';
export { evaluateArithmetic, ArithmeticError } from './builtin/arithmetic';
export { queryJson, JsonPathError } from './builtin/json-path';
export { isPublicAddress } from './builtin/address-guard';
// The MCP client (servers, tool sources, approvals): see mcp/index.ts.
export * from './mcp';
