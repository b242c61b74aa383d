// The MCP client: servers declared in MCP_SERVERS_FILE become tool sources (`<server>__<tool>`),
// shared ones per worker and perJob ones per job workspace; tool definitions are approved by
// hash in mcp_tool_approvals. `McpToolSource.fromConfig(parseMcpServer(...))` works without Nest.
export { McpWorkerModule } from './mcp-worker.module';
export { McpApiModule } from './mcp-api.module';
export { McpSharedServers } from './mcp-shared-servers.service';
export { McpJobSessions } from './mcp-job-sessions.service';
export { ApprovedToolsSource } from './approved-tools.source';
export { MCP_SERVERS } from './mcp.providers';
export {
  McpToolSource,
  type McpToolEntry,
  type McpToolSourceOptions,
  type ToolApprovals,
} from './mcp-tool.source';
export { McpConnection, McpUnavailableError, type ConnectionState } from './mcp-connection';
export { openJobTools, type McpJobTools } from './mcp-job-tools';
export { createWorkspace, forWorkspace, WORKSPACE_PLACEHOLDER } from './mcp-workspaces';
export { loadMcpServers, parseMcpServer, McpConfigError } from './load-mcp-servers';
export type { McpServerConfig, McpServerInput, McpServersFile } from './mcp-servers.schema';
export {
  ToolApprovalsRepository,
  type ApprovalStatus,
  type ToolApprovalRecord,
} from './tool-approvals.repository';
export { hashToolDefinition, type McpToolDefinition } from './tool-hash';
export { toToolOutput } from './mcp-content';
export { mcpToolCallsTotal, mcpReconnectsTotal, mcpToolOutputBytesTotal } from './mcp.metrics';
