import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CancelTaskRequestSchema,
  ErrorCode,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  ListTasksRequestSchema,
  McpError,
  RELATED_TASK_META_KEY,
  type CallToolResult,
  type Task,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@switchboard/auth';
import type { JobEndWaiter } from '../events/job-end.waiter';
import type { JobView } from '../jobs/job.view';
import type { JobsService } from '../jobs/jobs.service';
import { ProblemException } from '../problems/problem';
import { isJobFinished, jobResult } from './tool-results';

/** What a task poller is told to wait between tasks/get calls. */
const TASK_POLL_MS = 1_000;
/** tasks/result waits on the job's event stream in slices of this length until the job ends. */
const RESULT_WAIT_SLICE_MS = 30_000;

const TASK_STATUS: Record<JobView['status'], Task['status']> = {
  queued: 'working',
  delayed: 'working',
  active: 'working',
  waiting_children: 'working',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A job as an MCP task: the task id is the job id; job records are kept, so no ttl. */
export function toTask(job: JobView): Task {
  const message =
    job.status === 'failed'
      ? (job.error?.message ?? 'The job failed.')
      : job.cancelRequestedAt && !isJobFinished(job)
        ? `job ${job.status}, cancellation under way`
        : `job ${job.status}`;
  return {
    taskId: job.id,
    status: TASK_STATUS[job.status],
    statusMessage: message,
    createdAt: job.createdAt,
    lastUpdatedAt: job.finishedAt ?? job.cancelRequestedAt ?? job.startedAt ?? job.createdAt,
    ttl: null,
    pollInterval: TASK_POLL_MS,
  };
}

/** A finished job as the result of the tools/call that created it. */
export function taskResult(job: JobView): CallToolResult {
  return {
    ...jobResult(job),
    ...(job.status === 'completed' ? {} : { isError: true }),
    _meta: { [RELATED_TASK_META_KEY]: { taskId: job.id } },
  };
}

interface TaskDeps {
  jobs: JobsService;
  jobEnd: JobEndWaiter;
}

/**
 * tasks/get, tasks/result, tasks/list and tasks/cancel over the caller's jobs: status, result
 * and cancellation come from the job itself, so any API instance answers for any task. Another
 * tenant's job and an unknown id are the same "task not found".
 */
export function registerJobTasks(server: Server, deps: TaskDeps, principal: Principal): void {
  const { jobs, jobEnd } = deps;
  const tenantId = principal.tenantId;

  const job = (taskId: string): Promise<JobView> =>
    jobs.get(tenantId, taskId).catch((error: unknown) => {
      if (error instanceof ProblemException && error.getStatus() === 404) {
        throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
      }
      throw error;
    });

  server.setRequestHandler(GetTaskRequestSchema, async (request) =>
    toTask(await job(request.params.taskId)),
  );

  server.setRequestHandler(GetTaskPayloadRequestSchema, async (request, extra) => {
    const { taskId } = request.params;
    let current = await job(taskId);
    while (!isJobFinished(current) && !extra.signal.aborted) {
      await jobEnd.untilFinished(tenantId, taskId, RESULT_WAIT_SLICE_MS, {
        signal: extra.signal,
      });
      current = await job(taskId);
    }
    return taskResult(current);
  });

  server.setRequestHandler(ListTasksRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const page = await jobs.list(tenantId, cursor ? { cursor } : {}).catch((error: unknown) => {
      if (error instanceof ProblemException && error.getStatus() === 400) {
        throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
      }
      throw error;
    });
    return {
      tasks: page.data.map(toTask),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  });

  server.setRequestHandler(CancelTaskRequestSchema, async (request) => {
    const { taskId } = request.params;
    const current = await job(taskId);
    if (isJobFinished(current)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Cannot cancel task in terminal status: ${toTask(current).status}`,
      );
    }
    try {
      return toTask((await jobs.cancel(tenantId, taskId)).job);
    } catch (error) {
      // It finished between the look and the cancel.
      if (error instanceof ProblemException && error.getStatus() === 409) {
        throw new McpError(
          ErrorCode.InvalidParams,
          (error.getResponse() as { detail: string }).detail,
        );
      }
      throw error;
    }
  });
}
