import { JOB_CATALOGUE, ROLES, TIERS, TIER_DESCRIPTIONS, type Role } from '@switchboard/catalogue';
import { z } from 'zod';
import type { JobsService } from '../jobs/jobs.service';
import { toTask } from './job-tasks';
import { defineTool, type McpTool } from './mcp-tool';
import { jobResult } from './tool-results';

/** The arguments of submit_<role>: the catalogue's input for the role, and how to run it. */
export function submitInput(role: Role) {
  return z.strictObject({
    input: JOB_CATALOGUE[role].input.describe(`The ${role} job's input (the catalogue's schema).`),
    tier: z
      .union(TIERS.map((t) => z.literal(t)))
      .describe(TIERS.map((t) => `${t}: ${TIER_DESCRIPTIONS[t]}`).join('; ')),
    privacy: z
      .boolean()
      .optional()
      .describe('Keep the job on local-compatible models and tools only.'),
    idempotencyKey: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Send the same key again to get the same job back instead of a new one.'),
  });
}

/** submit_<role>, one tool per role of the catalogue, each through JobsService.submit. */
export function submitTools(jobs: JobsService): McpTool[] {
  return ROLES.map((role) =>
    defineTool({
      name: `submit_${role}`,
      title: `Submit a ${role} job`,
      description:
        `${JOB_CATALOGUE[role].description} Enqueues a ${role} job on mailbox ` +
        `agent.${role}.t<tier> and answers at once with the job (id, status). Follow it with ` +
        'wait_for_job or get_job. Called as an MCP task, the task id is the job id and ' +
        'tasks/result gives the job result.',
      input: submitInput(role),
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      taskSupport: 'optional',
      async call(args, ctx) {
        const { idempotencyKey, ...request } = args;
        const { job, created } = await jobs.submit(
          ctx.principal.tenantId,
          { role, ...request },
          idempotencyKey,
          ctx.traceId,
          ctx.principal.keyId,
        );
        if (ctx.task) return { task: toTask(job) };
        return jobResult(
          job,
          created ? 'Submitted.' : 'Already submitted with this idempotencyKey.',
        );
      },
    }),
  );
}
