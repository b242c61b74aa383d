import type { Config } from '@switchboard/config';
import { z } from 'zod';
import type { JobEndWaiter } from '../events/job-end.waiter';
import type { JobsService } from '../jobs/jobs.service';
import { listJobsQuerySchema } from '../jobs/list-jobs.query';
import { JobProgress } from './job-progress';
import { defineTool, type McpTool } from './mcp-tool';
import { isJobFinished, jobResult } from './tool-results';

const jobIdInput = z.strictObject({
  jobId: z.string().min(1).max(100).describe('The id submit_<role> answered with.'),
});

/** get_job, list_jobs, cancel_job and wait_for_job: the caller's jobs through JobsService. */
export function jobTools(jobs: JobsService, jobEnd: JobEndWaiter, config: Config): McpTool[] {
  const maxWaitS = config.streams.longPollMaxS;
  const waitInput = jobIdInput.extend({
    timeoutSeconds: z
      .number()
      .int()
      .min(0)
      .max(maxWaitS)
      .optional()
      .describe(`How long to wait for the end, in seconds (default ${Math.min(30, maxWaitS)}).`),
  });

  return [
    defineTool({
      name: 'get_job',
      title: 'Get a job',
      description: 'Status, progress, result, error, attempts, usage and timestamps of a job.',
      input: jobIdInput,
      annotations: { readOnlyHint: true },
      call: async ({ jobId }, ctx) => jobResult(await jobs.get(ctx.principal.tenantId, jobId)),
    }),
    defineTool({
      name: 'list_jobs',
      title: 'List jobs',
      description:
        "The caller's jobs, newest first, filtered by status, role and tier; pass nextCursor " +
        'back as cursor for the next page.',
      input: listJobsQuerySchema,
      annotations: { readOnlyHint: true },
      async call(args, ctx) {
        const page = await jobs.list(ctx.principal.tenantId, args);
        const lines = page.data.map((j) => `${j.id} ${j.role} t${j.tier} ${j.status}`);
        const text =
          `${page.data.length} job(s)${lines.length ? `:\n${lines.join('\n')}` : '.'}` +
          (page.nextCursor ? `\nMore: cursor ${page.nextCursor}` : '');
        return { content: [{ type: 'text', text }], structuredContent: page };
      },
    }),
    defineTool({
      name: 'cancel_job',
      title: 'Cancel a job',
      description:
        'Cancels a job and its children. A waiting job is cancelled at once; a running one is ' +
        'stopped by its worker (its provider requests aborted) and ends cancelled shortly after.',
      input: jobIdInput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      async call({ jobId }, ctx) {
        const { job, accepted } = await jobs.cancel(ctx.principal.tenantId, jobId);
        return jobResult(job, accepted ? 'Cancellation accepted.' : 'Cancelled.');
      },
    }),
    defineTool({
      name: 'wait_for_job',
      title: 'Wait for a job',
      description:
        'Waits until the job ends or the timeout passes, then answers with the job. With a ' +
        'progressToken, sends progress notifications as the job goes: status changes, actor ' +
        'progress, output tokens streamed so far.',
      input: waitInput,
      annotations: { readOnlyHint: true },
      async call({ jobId, timeoutSeconds }, ctx) {
        const tenantId = ctx.principal.tenantId;
        // Unknown or not the caller's: not found, before any waiting.
        const before = await jobs.get(tenantId, jobId);
        if (!isJobFinished(before)) {
          const progress = ctx.progress ? new JobProgress(ctx.progress) : undefined;
          await jobEnd.untilFinished(
            tenantId,
            jobId,
            (timeoutSeconds ?? Math.min(30, maxWaitS)) * 1000,
            {
              signal: ctx.signal,
              onEvent: progress ? (event) => progress.onEvent(event) : undefined,
            },
          );
        }
        const job = await jobs.get(tenantId, jobId);
        return jobResult(job, isJobFinished(job) ? undefined : 'Still running after the wait.');
      },
    }),
  ];
}
