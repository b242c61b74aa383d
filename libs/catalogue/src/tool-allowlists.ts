import type { Role } from './roles';

/**
 * Which tools each role's tool loop may see, as glob patterns (picomatch) over tool names:
 * built-in tools by name, MCP tools as `<server>__<tool>`. A job may narrow its role's list
 * (`allowedTools`), never widen it. Typed over every role, so a new role without a list fails
 * to compile.
 */
export const TOOL_ALLOWLISTS: { readonly [R in Role]: readonly string[] } = {
  chat: ['calculator', 'current_time', 'json_query'],
  planner: ['calculator', 'current_time', 'json_query'],
  coder: [
    'code_check',
    'calculator',
    'current_time',
    'json_query',
    'http_fetch',
    'http_request',
    'filesystem__*',
    'git__*',
  ],
  reviewer: ['code_check', 'calculator', 'json_query', 'git__*'],
  researcher: ['http_fetch', 'json_query', 'calculator', 'current_time', 'memory__*'],
  browser: ['http_fetch', 'http_request', 'json_query', 'current_time'],
  judge: ['code_check', 'calculator', 'json_query'],
};

/** What a job may ask for in `allowedTools`: tool-name characters and glob syntax. */
export const TOOL_PATTERN = /^[A-Za-z0-9_\-*?[\]{}!,.()|+@]{1,128}$/;
export const MAX_ALLOWED_TOOLS = 64;
