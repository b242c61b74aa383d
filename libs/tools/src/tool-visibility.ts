import { TOOL_ALLOWLISTS, type Role, type Tier } from '@switchboard/catalogue';
import picomatch from 'picomatch';
import type { RunToolServer, ToolDefinition } from './tool.types';

/** The job a set of tools is chosen for. */
export interface ToolJob {
  role: Role;
  tier: Tier;
  privacy: boolean;
  /** The job's own narrowing of its role's allowlist (glob patterns); absent: none. */
  allowedTools?: readonly string[];
}

/** Why a job's `allowedTools` was refused at submission (403). */
export type ToolRequestProblem =
  { kind: 'tool-not-allowed'; pattern: string } | { kind: 'tool-not-private'; pattern: string };

const compiled = new Map<string, (name: string) => boolean>();

/** One glob over tool names (picomatch; names hold no `/`, so `*` spans the whole name). */
export function globMatcher(pattern: string): (name: string) => boolean {
  let match = compiled.get(pattern);
  if (!match) {
    match = picomatch(pattern, { nocase: false, dot: true });
    compiled.set(pattern, match);
  }
  return match;
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => globMatcher(p)(name));
}

/** Private and tier-0 jobs keep everything on the machine, tools included. */
export function mustStayLocal(job: Pick<ToolJob, 'tier' | 'privacy'>): boolean {
  return job.privacy || job.tier === 0;
}

/**
 * Whether a role may use a tool: its name is on the role's allowlist (TOOL_ALLOWLISTS), or the
 * tool's source grants the role (an MCP server's `roles`).
 */
export function roleAllows(role: Role, tool: Pick<ToolDefinition, 'name' | 'roles'>): boolean {
  return matchesAny(TOOL_ALLOWLISTS[role], tool.name) || (tool.roles?.includes(role) ?? false);
}

/** The tools a job's loop may use: its role's allowlist, narrowed by the job, privacy-filtered. */
export function visibleTools(tools: readonly ToolDefinition[], job: ToolJob): ToolDefinition[] {
  return tools.filter(
    (tool) =>
      roleAllows(job.role, tool) &&
      (job.allowedTools === undefined || matchesAny(job.allowedTools, tool.name)) &&
      (!mustStayLocal(job) || tool.privacyCompatible),
  );
}

/**
 * Checks a job's `allowedTools` at submission: every pattern must name at least one tool its
 * role allows, and for a private or tier-0 job at least one that stays local.
 */
export function checkAllowedTools(
  tools: readonly ToolDefinition[],
  job: ToolJob,
): ToolRequestProblem | undefined {
  for (const pattern of job.allowedTools ?? []) {
    const match = globMatcher(pattern);
    const allowed = tools.filter((t) => match(t.name) && roleAllows(job.role, t));
    if (allowed.length === 0) return { kind: 'tool-not-allowed', pattern };
    if (mustStayLocal(job) && !allowed.some((t) => t.privacyCompatible)) {
      return { kind: 'tool-not-private', pattern };
    }
  }
  return undefined;
}

// Characters that make a pattern more than a plain name (picomatch syntax, `\\` escapes).
const GLOB_SYNTAX = /[*?[\]{}()!+@|\\]/;

/**
 * Whether a glob pattern may match some name starting with `prefix`, from its literal head
 * (the part before any glob syntax). Errs towards true: `*` or `{a,b}__*` may match anything.
 */
export function mayMatchPrefix(pattern: string, prefix: string): boolean {
  const at = pattern.search(GLOB_SYNTAX);
  if (at < 0) return pattern.length > prefix.length && pattern.startsWith(prefix);
  const head = pattern.slice(0, at);
  return head.length >= prefix.length ? head.startsWith(prefix) : prefix.startsWith(head);
}

/**
 * Whether a job's run may see any tool of a server started per run, decided from the server's
 * name prefix before it is started: its role's allowlist or the server's `roles`, the job's
 * `allowedTools`, the run's narrowing (`ctx.tools.run({ tools })`) and privacy.
 */
export function mayShowServer(
  server: RunToolServer,
  job: ToolJob,
  narrowing?: readonly string[],
): boolean {
  const some = (patterns: readonly string[]) =>
    patterns.some((p) => mayMatchPrefix(p, server.prefix));
  return (
    (server.roles.includes(job.role) || some(TOOL_ALLOWLISTS[job.role])) &&
    (job.allowedTools === undefined || some(job.allowedTools)) &&
    (narrowing === undefined || some(narrowing)) &&
    (!mustStayLocal(job) || server.privacyCompatible)
  );
}
