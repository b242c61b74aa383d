import type { z } from 'zod';
import type { JobDefinition } from './job-definition';
import { browserJob } from './roles/browser.job';
import { chatJob } from './roles/chat.job';
import { coderJob } from './roles/coder.job';
import { judgeJob } from './roles/judge.job';
import { plannerJob } from './roles/planner.job';
import { researcherJob } from './roles/researcher.job';
import { reviewerJob } from './roles/reviewer.job';
import type { Role } from './roles';

/** The single source of truth for every role: api, worker and OpenAPI all read it. */
export const JOB_CATALOGUE = {
  chat: chatJob,
  planner: plannerJob,
  coder: coderJob,
  reviewer: reviewerJob,
  researcher: researcherJob,
  browser: browserJob,
  judge: judgeJob,
} as const satisfies Record<Role, JobDefinition>;

export type JobInput<R extends Role> = z.infer<(typeof JOB_CATALOGUE)[R]['input']>;
export type JobResult<R extends Role> = z.infer<(typeof JOB_CATALOGUE)[R]['result']>;

export function jobDefinition<R extends Role>(role: R): (typeof JOB_CATALOGUE)[R] {
  return JOB_CATALOGUE[role];
}
