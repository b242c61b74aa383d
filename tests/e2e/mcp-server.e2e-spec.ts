import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  RELATED_TASK_META_KEY,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { JOB_CATALOGUE, ROLES, TIERS } from '@switchboard/catalogue';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { chatInput, createTenant } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';

jest.setTimeout(120_000);

const run = promisify(execFile);
const INSPECTOR_BUILD = join(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@modelcontextprotocol',
  'inspector-cli',
  'build',
);

type JobView = { id: string; status: string; role: string; tier: number; result: any };

// Switchboard's MCP server at /mcp, driven by the official SDK client and by the inspector
// CLI against real API and worker processes. The simulated provider writes 4 tokens a second,
// so every job runs for a few seconds: long enough to follow and to cancel mid-run.
describe('MCP server at /mcp', () => {
  const platform = usePlatform({
    LLM_SIMULATED_LATENCY_MS: '200',
    LLM_SIMULATED_TOKENS_PER_SECOND: '4',
    API_BODY_LIMIT_BYTES: '65536',
  });
  let base: string;
  let key: string;
  let otherKey: string;
  let client: Client;
  let other: Client;

  async function connect(apiKey: string): Promise<Client> {
    const mcp = new Client({ name: 'switchboard-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
    });
    await mcp.connect(transport);
    return mcp;
  }

  const call = (mcp: Client, name: string, args: Record<string, unknown>) =>
    mcp.callTool({ name, arguments: args }) as Promise<CallToolResult>;
  const textOf = (result: CallToolResult) =>
    result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  const jobOf = (result: CallToolResult) => result.structuredContent as unknown as JobView;

  async function submitChat(content: string, mcp = client): Promise<JobView> {
    const result = await call(mcp, 'submit_chat', { tier: 0, input: chatInput(content) });
    expect(result.isError).toBeFalsy();
    return jobOf(result);
  }

  async function untilStatus(id: string, status: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (jobOf(await call(client, 'get_job', { jobId: id })).status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} never became ${status}`);
  }

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body,
    });

  beforeAll(async () => {
    base = `http://127.0.0.1:${platform.env.env.API_PORT}`;
    ({ key } = await createTenant(platform.http, 'mcp-owner'));
    ({ key: otherKey } = await createTenant(platform.http, 'mcp-other'));
    client = await connect(key);
    other = await connect(otherKey);
  });

  afterAll(async () => {
    await Promise.all([client?.close(), other?.close()]);
  });

  it('lists one submit tool per role with the catalogue input schema, and the job tools', async () => {
    expect(client.getServerCapabilities()?.tasks?.requests?.tools?.call).toBeDefined();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(
      [
        ...ROLES.map((r) => `submit_${r}`),
        'get_job',
        'list_jobs',
        'cancel_job',
        'wait_for_job',
      ].sort(),
    );
    for (const role of ROLES) {
      const tool = tools.find((t) => t.name === `submit_${role}`)!;
      const catalogue = z.toJSONSchema(JOB_CATALOGUE[role].input, { io: 'input' }) as {
        properties: Record<string, unknown>;
        required?: string[];
      };
      const input = tool.inputSchema.properties?.input as typeof catalogue;
      expect(Object.keys(input.properties).sort()).toEqual(
        Object.keys(catalogue.properties).sort(),
      );
      expect(input.required ?? []).toEqual(catalogue.required ?? []);
      expect(tool.inputSchema.required).toEqual(['input', 'tier']);
      expect(tool.inputSchema.properties?.tier).toMatchObject({
        anyOf: TIERS.map((t) => ({ const: t })),
      });
      expect(Object.keys(tool.inputSchema.properties ?? {}).sort()).toEqual(
        ['idempotencyKey', 'input', 'privacy', 'tier'].sort(),
      );
      expect(tool.execution?.taskSupport).toBe('optional');
    }
    const wait = tools.find((t) => t.name === 'wait_for_job')!;
    expect(wait.inputSchema.required).toEqual(['jobId']);
    expect(wait.annotations?.readOnlyHint).toBe(true);
  });

  let finished: JobView;

  it('submits a chat job on tier 0 and waits for it with progress notifications', async () => {
    const submitted = await call(client, 'submit_chat', {
      tier: 0,
      input: chatInput('follow me'),
      privacy: true,
    });
    const job = jobOf(submitted);
    expect(job).toMatchObject({ role: 'chat', tier: 0, privacy: true });
    expect(['queued', 'active']).toContain(job.status);
    expect(textOf(submitted)).toContain(`Submitted. Job ${job.id} (chat, tier 0)`);

    const progress: Progress[] = [];
    const waited = (await client.callTool(
      { name: 'wait_for_job', arguments: { jobId: job.id, timeoutSeconds: 60 } },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 90_000 },
    )) as CallToolResult;
    finished = jobOf(waited);
    expect(finished.status).toBe('completed');
    expect(finished.result.text).toMatch(/^Simulated:/);
    expect(textOf(waited)).toContain(
      `Job ${job.id} (chat, tier 0) is completed. Result: Simulated:`,
    );

    const messages = progress.map((p) => p.message ?? '');
    expect(messages.some((m) => /^tokens \d+$/.test(m))).toBe(true);
    expect(messages).toContain('ended completed');
    const counts = progress.map((p) => p.progress);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);
    const tokens = messages.filter((m) => m.startsWith('tokens ')).map((m) => Number(m.slice(7)));
    expect(tokens.at(-1)).toBeGreaterThan(tokens[0]);
  });

  it('reads the job with get_job and finds it with list_jobs', async () => {
    const got = await call(client, 'get_job', { jobId: finished.id });
    expect(got.isError).toBeFalsy();
    expect(jobOf(got)).toMatchObject({ id: finished.id, status: 'completed' });
    expect(jobOf(got).result).toEqual(finished.result);
    expect(textOf(got)).toContain(`Result: ${finished.result.text}`);

    const listed = await call(client, 'list_jobs', { role: 'chat', status: 'completed', limit: 5 });
    const page = listed.structuredContent as { data: JobView[]; nextCursor: string | null };
    expect(page.data.map((j) => j.id)).toContain(finished.id);
    expect(textOf(listed)).toContain(`${finished.id} chat t0 completed`);
  });

  it('cancels a running job with cancel_job', async () => {
    const job = await submitChat('a long one to cancel');
    await untilStatus(job.id, 'active');
    const cancelled = await call(client, 'cancel_job', { jobId: job.id });
    expect(cancelled.isError).toBeFalsy();
    expect(textOf(cancelled)).toMatch(/^Cancellation accepted\./);
    const waited = await call(client, 'wait_for_job', { jobId: job.id, timeoutSeconds: 30 });
    expect(jobOf(waited).status).toBe('cancelled');
    const again = await call(client, 'cancel_job', { jobId: job.id });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/already finished \(cancelled\)/);
  });

  it('runs a submit tool as an MCP task: task id is the job id, result from the job', async () => {
    const stream = client.experimental.tasks.callToolStream(
      { name: 'submit_chat', arguments: { tier: 0, input: chatInput('as a task') } },
      undefined,
      { task: { ttl: 60_000 }, timeout: 90_000 },
    );
    let taskId: string | undefined;
    const statuses: string[] = [];
    let result: CallToolResult | undefined;
    for await (const message of stream) {
      if (message.type === 'taskCreated') taskId = message.task.taskId;
      if (message.type === 'taskStatus') statuses.push(message.task.status);
      if (message.type === 'result') result = message.result as CallToolResult;
      if (message.type === 'error') throw message.error;
    }
    expect(taskId).toBeDefined();
    expect(statuses.at(-1)).toBe('completed');
    expect(jobOf(result!)).toMatchObject({ id: taskId, status: 'completed' });
    expect(result!._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId });
    const job = jobOf(await call(client, 'get_job', { jobId: taskId! }));
    expect(job.result).toEqual(jobOf(result!).result);

    const task = await client.experimental.tasks.getTask(taskId!);
    expect(task).toMatchObject({ taskId, status: 'completed', ttl: null });
    const { tasks } = await client.experimental.tasks.listTasks();
    expect(tasks.map((t) => t.taskId)).toContain(taskId);
    await expect(other.experimental.tasks.getTask(taskId!)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('Task not found'),
    });
  });

  it('cancels a task with tasks/cancel: the job ends cancelled', async () => {
    const job = await submitChat('a task to cancel');
    await untilStatus(job.id, 'active');
    const task = await client.experimental.tasks.cancelTask(job.id);
    expect(task.taskId).toBe(job.id);
    expect(['working', 'cancelled']).toContain(task.status);
    const result: CallToolResult = await client.experimental.tasks.getTaskResult(
      job.id,
      CallToolResultSchema,
      { timeout: 60_000 },
    );
    expect(result.isError).toBe(true);
    expect(jobOf(result).status).toBe('cancelled');
    expect((await client.experimental.tasks.getTask(job.id)).status).toBe('cancelled');
    await expect(client.experimental.tasks.cancelTask(job.id)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
  });

  it("answers another tenant's job exactly like an unknown one: not found", async () => {
    const theirs = await call(other, 'get_job', { jobId: finished.id });
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const unknown = await call(other, 'get_job', { jobId: unknownId });
    expect(theirs.isError).toBe(true);
    expect(textOf(theirs)).toBe(`Not found: No job ${finished.id}.`);
    expect(textOf(unknown)).toBe(`Not found: No job ${unknownId}.`);
    expect((theirs.structuredContent as any).error).toEqual({
      status: 404,
      code: 'not-found',
      detail: `No job ${finished.id}.`,
    });
    for (const tool of ['cancel_job', 'wait_for_job']) {
      const result = await call(other, tool, { jobId: finished.id });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(`Not found: No job ${finished.id}.`);
    }
    const list = await call(other, 'list_jobs', {});
    expect((list.structuredContent as { data: JobView[] }).data).toEqual([]);
  });

  it('refuses invalid arguments with an invalid params error naming the field', async () => {
    const refusal = (args: Record<string, unknown>, name = 'submit_chat') =>
      call(client, name, args).then(
        () => {
          throw new Error('accepted');
        },
        (error: unknown) => error as McpError,
      );
    const empty = await refusal({ tier: 0, input: { messages: [] } });
    expect(empty).toBeInstanceOf(McpError);
    expect(empty.code).toBe(ErrorCode.InvalidParams);
    expect(empty.message).toContain('Invalid arguments for submit_chat: input.messages:');
    expect((await refusal({ input: chatInput() })).message).toContain('tier:');
    expect((await refusal({ tier: 7, input: chatInput() })).message).toContain('tier:');
    expect((await refusal({ tier: 0, input: chatInput(), colour: 'red' })).message).toMatch(
      /Unrecognized key.*colour/,
    );
    expect(
      (await refusal({ tier: 0, input: chatInput(), idempotencyKey: 'has space' })).message,
    ).toContain('idempotencyKey:');
    expect((await refusal({ status: 'done' }, 'list_jobs')).message).toContain('status:');
    expect(
      (await refusal({ jobId: finished.id, timeoutSeconds: -1 }, 'wait_for_job')).message,
    ).toContain('timeoutSeconds:');
    expect((await refusal({}, 'no_such_tool')).code).toBe(ErrorCode.InvalidParams);
  });

  it('answers a bad or missing key with 401 problem+json, before any MCP', async () => {
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    });
    const bad = await post(initialize, { authorization: 'Bearer sb_not_a_real_key' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await bad.json()) as any).code).toBe('invalid-api-key');
    const missing = await post(initialize, { authorization: '' });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).code).toBe('missing-api-key');
    await expect(connect('sb_not_a_real_key')).rejects.toThrow(/401/);
  });

  it('answers bodies and methods it cannot take as the SDK does', async () => {
    const malformed = await post('{"jsonrpc": "2.0", "id": 1,');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: expect.stringMatching(/^Parse error/) },
    });
    const notRpc = await post(JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    expect(((await notRpc.json()) as any).error.code).toBe(-32700);
    const tooLarge = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { pad: 'x'.repeat(70_000) },
      }),
    );
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as any).error.code).toBe(-32000);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, {
        method,
        headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as any).error.message).toBe('Method not allowed.');
    }
    // The rest of the API still refuses bodies as problem+json.
    const rest = await platform.http('POST', '/v1/jobs', { key, rawBody: '{"role":' });
    expectProblem(rest, 400, 'malformed-json');
  });

  it('works with the MCP inspector CLI: tools/list and get_job', async () => {
    const inspect = async (...args: string[]) => {
      // Run from the CLI's own build folder: v1.0.3 looks for its package.json by a path
      // relative to the working directory but imports it relative to itself.
      const { stdout } = await run(
        join(INSPECTOR_BUILD, 'cli.js'),
        [
          '--cli',
          `${base}/mcp`,
          '--transport',
          'http',
          '--header',
          `Authorization: Bearer ${key}`,
          ...args,
        ],
        { timeout: 60_000, cwd: INSPECTOR_BUILD, env: { PATH: process.env.PATH ?? '' } },
      );
      return JSON.parse(stdout) as Record<string, any>;
    };
    const listed = await inspect('--method', 'tools/list');
    expect(listed.tools.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['submit_chat', 'get_job', 'list_jobs', 'cancel_job', 'wait_for_job']),
    );
    const got = await inspect(
      '--method',
      'tools/call',
      '--tool-name',
      'get_job',
      '--tool-arg',
      `jobId=${finished.id}`,
    );
    expect(got.isError).toBeFalsy();
    expect(got.structuredContent).toMatchObject({ id: finished.id, status: 'completed' });
    expect(got.content[0].text).toContain(`Job ${finished.id} (chat, tier 0) is completed`);
  });
});
