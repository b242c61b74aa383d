import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { startFakeProvider, type FakeProviderServer } from '../support/fake-providers';
import { createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { fakeModel, fakeProvider } from '../support/router-kit';
import { queryEnv } from '../support/store-probe';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { startApi, startWorker, stopAll, submitJob, waitUntil } from '../support/worker-kit';

jest.setTimeout(180_000);

// A side-effecting tool (http_request) is never run twice for one job, even when the worker
// running the job's tool loop is SIGKILLed: a real worker process, a real HTTP endpoint that
// counts the requests it receives, the fake OpenAI server scripting the model's calls.
//  A. killed after the call was recorded: the next worker reuses the recorded result;
//  B. killed while the call was in flight: the next worker does not send it again and tells
//     the model its outcome is unknown.

const received = new Map<string, number>();
/** Requests held open (never answered), by tag: the worker dies while waiting on them. */
const held = new Set<string>();
const heldResponses: ServerResponse[] = [];

function effectServer(): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const tag = req.url!.split('/').pop()!;
    req.resume();
    req.on('end', () => {
      received.set(tag, (received.get(tag) ?? 0) + 1);
      if (held.has(tag)) return void heldResponses.push(res);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: tag }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('side-effecting tools under SIGKILL', () => {
  let env: TestEnv;
  let http: Http;
  let fake: FakeProviderServer;
  let effects: Server;
  let effectsUrl: string;
  const apps: AppProcess[] = [];
  /** Conversations whose second turn the fake keeps waiting. */
  const stall = new Set<string>();

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    effects = await effectServer();
    const { port } = effects.address() as AddressInfo;
    effectsUrl = `http://127.0.0.1:${port}`;
    // The model: first turn, POST to the effect server for the job's tag; once a tool result
    // is in the conversation, answer (or hang, while the test wants the worker busy).
    fake.respond((req) => {
      const text = JSON.stringify(req.body.messages);
      const tag = /crash-([a-z]+)/.exec(text)?.[1];
      if (!tag) return undefined;
      const hasResult = req.body.messages.some((m: { role: string }) => m.role === 'tool');
      if (!hasResult) {
        const call = { method: 'POST', url: `${effectsUrl}/effects/${tag}`, body: { tag } };
        return { type: 'ok', toolCalls: [{ name: 'http_request', arguments: call }] };
      }
      return stall.has(tag) ? { type: 'hang' } : { type: 'ok', text: `done ${tag}` };
    });
    const catalogue = join(tmpdir(), `tools-crash-catalogue-${process.pid}-${Date.now()}.json`);
    writeFileSync(
      catalogue,
      JSON.stringify({
        version: 1,
        providers: [fakeProvider('x', fake)],
        models: [fakeModel('x', 'x-tools', [1], { capabilities: ['chat', 'tools'] })],
      }),
    );
    env = await createTestEnv({
      LLM_CATALOGUE_FILE: catalogue,
      LLM_HEALTH_INTERVAL_MS: '600000',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_POOLS: 'agent.coder.t1:2',
      TOOLS_HTTP_WRITE_HOSTS: `127.0.0.1:${port}`,
    });
    apps.push(await startApi(env.env));
    http = httpClient(`http://127.0.0.1:${env.env.API_PORT}`);
  });

  afterAll(async () => {
    await stopAll(apps);
    heldResponses.forEach((r) => r.destroy());
    await new Promise((r) => effects?.close(r));
    await fake?.close();
    await env?.cleanup();
  });

  const coderJob = (tag: string) => ({
    role: 'coder',
    tier: 1,
    input: { task: `crash-${tag}: record the order` },
    allowedTools: ['http_request'],
  });

  const rows = (jobId: string) =>
    queryEnv<{ outcome: string }>(
      env,
      'SELECT outcome FROM tool_invocations WHERE job_id = $1 ORDER BY id',
      [jobId],
    );

  const chatsOf = (tag: string) =>
    fake.received.filter((r) => JSON.stringify(r.body.messages).includes(`crash-${tag}`));

  it('reuses the recorded result of a call made before the kill (A), and does not resend one in flight (B)', async () => {
    const { key } = await createTenant(http, 'tools-crash');
    let worker = await startWorker(env.env);
    apps.push(worker);

    // A: the call completes and is recorded; the worker dies waiting for the model's next turn.
    stall.add('a');
    const a = await submitJob(http, key, coderJob('a'));
    await waitUntil(async () => chatsOf('a').length === 2, 'the second turn of job A');
    expect(received.get('a')).toBe(1);
    await worker.kill();
    stall.delete('a');

    // B: the worker dies while the request is held open by the endpoint.
    held.add('b');
    worker = await startWorker(env.env);
    apps.push(worker);
    const b = await submitJob(http, key, coderJob('b'));
    await waitUntil(async () => received.get('b') === 1, 'the side effect of job B to arrive');
    // A's job, taken over by this worker after its lock expired, completes meanwhile.
    const jobA = await waitForJob(http, key, a, ['completed', 'failed'], 60_000);
    expect(jobA).toMatchObject({ status: 'completed', result: { text: 'done a' } });
    await worker.kill();

    apps.push(await startWorker(env.env));
    const jobB = await waitForJob(http, key, b, ['completed', 'failed'], 60_000);
    expect(jobB).toMatchObject({ status: 'completed', result: { text: 'done b' } });

    // Each side effect reached the endpoint exactly once.
    expect(received.get('a')).toBe(1);
    expect(received.get('b')).toBe(1);
    // A: the model saw the recorded response the second time too, and was asked its first
    // turn once (the journaled answer was replayed).
    const lastA = chatsOf('a').at(-1)!.body.messages;
    expect(lastA.find((m: { role: string }) => m.role === 'tool').content).toContain('Status: 201');
    expect(
      chatsOf('a').filter((r) => !r.body.messages.some((m: { role: string }) => m.role === 'tool')),
    ).toHaveLength(1);
    // B: the model was told the outcome is unknown and that it was not sent again.
    const lastB = chatsOf('b').at(-1)!.body.messages;
    expect(lastB.find((m: { role: string }) => m.role === 'tool').content).toMatch(
      /unknown.*NOT run again/s,
    );
    // The call of A is logged once (by the run that made it); B's once, as interrupted.
    expect((await rows(a)).map((r) => r.outcome)).toEqual(['ok']);
    expect((await rows(b)).map((r) => r.outcome)).toEqual(['interrupted']);
  });
});
