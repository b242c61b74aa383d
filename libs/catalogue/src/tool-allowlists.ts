import { JOB_CATALOGUE } from './catalogue';
import type { Role } from './roles';

/** Each role's tool allowlist, from its catalogue entry (`tools`). */
export const TOOL_ALLOWLISTS: { readonly [R in Role]: readonly string[] } = {
  chat: JOB_CATALOGUE.chat.tools,
  planner: JOB_CATALOGUE.planner.tools,
  coder: JOB_CATALOGUE.coder.tools,
  reviewer: JOB_CATALOGUE.reviewer.tools,
  researcher: JOB_CATALOGUE.researcher.tools,
  browser: JOB_CATALOGUE.browser.tools,
  judge: JOB_CATALOGUE.judge.tools,
};

/** What a job may ask for in `allowedTools`: tool-name characters and glob syntax. */
export const TOOL_PATTERN = /^[A-Za-z0-9_\-*?[\]{}!,.()|+@]{1,128}$/;
export const MAX_ALLOWED_TOOLS = 64;
