import { type JobEvent, jobEventsKey } from '@switchboard/streams';
import { EventSource } from 'eventsource';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../support/app-process';
import { chatInput, createTenant, httpClient, waitForJob, type Http } from '../support/http-client';
import { expectProblem } from '../support/problem-assert';
import { openSse, type SseConnection, type SseEvent } from '../support/sse-client';
import { createTestEnv, freePort, type TestEnv } from '../support/test-env';
import { TEST_REDIS_URL } from '../support/test-services';
import { startApi, startWorker, waitUntil } from '../support/worker-kit';

jest.setTimeout(120_000);

// GET /v1/jobs/:id/events over real API processes: resume with Last-Event-ID, a second
// instance taking over from a stopped one, an EventSource client, and the long-poll.
// Most jobs here are submitted delayed (no worker touches them) and their events are written
// by the test in the publisher's format; the last ones are real jobs run by a worker.
describe('job event streams over SSE', () => {
  let env: TestEnv;
  let http: Http;
  let baseUrl: string;
  let key: string;
  let otherKey: string;
  let redis: Redis;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnv({
      SSE_HEARTBEAT_MS: '200',
      // Real jobs take a moment, so a long-poll or a follower meets them unfinished.
      LLM_SIMULATED_LATENCY_MS: '500',
      LLM_SIMULATED_TOKENS_PER_SECOND: '100',
    });
    apps.push(await startApi(env.env));
    apps.push(await startWorker({ ...env.env, WORKER_POOLS: 'agent.chat.t1:2' }));
    baseUrl = `http://127.0.0.1:${env.env.API_PORT}`;
    http = httpClient(baseUrl);
    ({ key } = await createTenant(http, 'streams'));
    ({ key: otherKey } = await createTenant(http, 'someone-else'));
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    redis?.disconnect();
    await env?.cleanup();
  });

  /** A job no worker will run for an hour: its stream holds only what the test writes. */
  async function parkedJob(): Promise<string> {
    const body = { role: 'chat', tier: 1, delay: 3_600_000, input: chatInput('parked') };
    const res = await http('POST', '/v1/jobs', { key, body });
    expect(res.status).toBe(202);
    return res.body.id as string;
  }

  /** XADD in the publisher's format (`t` type, `d` JSON); `end` also sets the expiry. */
  async function publish(jobId: string, event: JobEvent): Promise<string> {
    const streamKey = jobEventsKey(env.env.QUEUE_PREFIX, jobId);
    const id = await redis.xadd(streamKey, '*', 't', event.type, 'd', JSON.stringify(event));
    if (event.type === 'end') await redis.pexpire(streamKey, 60_000);
    return id!;
  }

  const sse = (jobId: string, headers: Record<string, string> = {}, base = baseUrl, query = '') =>
    openSse(`${base}/v1/jobs/${jobId}/events${query}`, {
      authorization: `Bearer ${key}`,
      ...headers,
    });

  /** Reads events until `stop` says so (or the response ends); returns what was read. */
  async function readUntil(
    conn: SseConnection,
    stop: (event: SseEvent, all: SseEvent[]) => boolean,
  ): Promise<SseEvent[]> {
    const read: SseEvent[] = [];
    for (;;) {
      const event = await conn.next();
      if (!event) return read;
      read.push(event);
      if (stop(event, read)) return read;
    }
  }

  const tokens = (events: SseEvent[]) =>
    events
      .filter((e) => e.event === 'token')
      .map((e) => (JSON.parse(e.data) as { text: string }).text)
      .join('');

  const words = Array.from({ length: 40 }, (_, i) => `word${i} `);

  it('resumes after a drop with Last-Event-ID: no gap, no duplicate', async () => {
    const jobId = await parkedJob();
    await publish(jobId, { type: 'status', status: 'active', attempt: 1 });
    for (const w of words.slice(0, 10)) await publish(jobId, { type: 'token', text: w });

    const first = await sse(jobId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(first.headers.get('cache-control')).toMatch(/no-cache/);
    expect(first.headers.get('x-accel-buffering')).toBe('no');
    // Some live tokens arrive on the first connection, then it drops mid-stream.
    const writer = (async () => {
      for (const w of words.slice(10, 20)) await publish(jobId, { type: 'token', text: w });
    })();
    const before = await readUntil(first, (_, all) => tokens(all).split(' ').length > 15);
    first.close();
    await writer;
    for (const w of words.slice(20)) await publish(jobId, { type: 'token', text: w });
    await publish(jobId, { type: 'result', result: { text: words.join('') }, usage: {} });
    await publish(jobId, { type: 'end', status: 'completed' });

    const lastId = before.at(-1)!.id!;
    const second = await sse(jobId, { 'last-event-id': lastId });
    const after = await readUntil(second, () => false);
    const all = [...before, ...after];
    expect(tokens(all)).toBe(words.join(''));
    const ids = all.map((e) => e.id!);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all[0].event).toBe('status');
    expect(all.at(-1)).toMatchObject({ event: 'end', data: '{"type":"end","status":"completed"}' });

    // `?lastEventId=` works the same; `?from=0` replays everything.
    const viaQuery = await sse(jobId, {}, baseUrl, `?lastEventId=${lastId}`);
    expect((await readUntil(viaQuery, () => false)).map((e) => e.id)).toEqual(
      after.map((e) => e.id),
    );
    const replay = await sse(jobId, {}, baseUrl, '?from=0');
    expect((await readUntil(replay, () => false)).map((e) => e.id)).toEqual(ids);
    // Reconnecting after the end: 204, which tells an EventSource to stop retrying.
    const pastEnd = await sse(jobId, { 'last-event-id': ids.at(-1)! });
    expect(pastEnd.status).toBe(204);
  });

  it('continues through a second API instance after the first is stopped', async () => {
    const port = String(await freePort());
    const doomed = await startApi({ ...env.env, API_PORT: port });
    const jobId = await parkedJob();
    await publish(jobId, { type: 'status', status: 'active' });
    const first = await sse(jobId, {}, `http://127.0.0.1:${port}`);
    expect(first.status).toBe(200);
    for (const w of words.slice(0, 15)) await publish(jobId, { type: 'token', text: w });
    const before = await readUntil(first, (_, all) => tokens(all) === words.slice(0, 15).join(''));

    // Stopping it ends its open streams (the shutdown does not wait on them) and exits cleanly;
    // each stream's last event is the drain's `reconnect` hint, without an id.
    expect(await doomed.stop()).toBe(0);
    expect(await first.next()).toMatchObject({ event: 'reconnect', id: undefined });
    expect(await first.next()).toBeUndefined();

    for (const w of words.slice(15)) await publish(jobId, { type: 'token', text: w });
    await publish(jobId, { type: 'end', status: 'completed' });
    const second = await sse(jobId, { 'last-event-id': before.at(-1)!.id! });
    const after = await readUntil(second, () => false);
    expect(tokens([...before, ...after])).toBe(words.join(''));
    expect(after.at(-1)?.event).toBe('end');
  });

  it('follows a job to the end with an EventSource client', async () => {
    const jobId = await parkedJob();
    const received: { type: string; lastEventId: string; data: JobEvent }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const es = new EventSource(`${baseUrl}/v1/jobs/${jobId}/events`, {
        fetch: (input, init) =>
          fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${key}` } }),
      });
      for (const type of ['status', 'token', 'progress', 'result', 'end']) {
        es.addEventListener(type, (event) => {
          received.push({ type, lastEventId: event.lastEventId, data: JSON.parse(event.data) });
          if (type === 'end') {
            es.close();
            resolve();
          }
        });
      }
      es.addEventListener('error', (error) => {
        if (es.readyState === EventSource.CLOSED) reject(new Error(error.message));
      });
    });
    await publish(jobId, { type: 'status', status: 'active' });
    for (const w of words.slice(0, 5)) await publish(jobId, { type: 'token', text: w });
    await publish(jobId, { type: 'progress', value: { step: 1 } });
    await publish(jobId, { type: 'result', result: 'done', usage: {} });
    const endId = await publish(jobId, { type: 'end', status: 'completed' });
    await done;
    expect(received.map((e) => e.type)).toEqual([
      'status',
      ...words.slice(0, 5).map(() => 'token'),
      'progress',
      'result',
      'end',
    ]);
    expect(received.at(-1)?.lastEventId).toBe(endId);
  });

  it('sends heartbeats while nothing happens', async () => {
    const jobId = await parkedJob();
    const conn = await sse(jobId);
    await waitUntil(async () => conn.comments.filter((c) => c === 'ping').length >= 3, 'pings');
    conn.close();
  });

  it('answers 404 for an unknown job and for another tenant’s, 400 for a bad position', async () => {
    const jobId = await parkedJob();
    const get = (path: string, headers: Record<string, string> = {}, as = key) =>
      http('GET', path, { key: as, headers });
    expectProblem(await get(`/v1/jobs/${randomUUID()}/events`), 404, 'not-found');
    expectProblem(await get(`/v1/jobs/not-a-uuid/events`), 404, 'not-found');
    expectProblem(await get(`/v1/jobs/${jobId}/events`, {}, otherKey), 404, 'not-found');
    for (const bad of ['abc', '1-2-3', '-1', '12-x', '']) {
      const res = await get(`/v1/jobs/${jobId}/events`, { 'last-event-id': bad });
      expectProblem(res, 400, 'invalid-last-event-id');
    }
    expectProblem(
      await get(`/v1/jobs/${jobId}/events?lastEventId=nope`),
      400,
      'invalid-last-event-id',
    );
    expectProblem(await get(`/v1/jobs/${jobId}/events?from=later`), 400, 'invalid-query');
    expectProblem(await http('GET', `/v1/jobs/${jobId}/events`), 401, 'missing-api-key');
  });

  it('follows a real chat job: its tokens add up to its result', async () => {
    const res = await http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput('stream me') },
    });
    const jobId = res.body.id as string;
    const conn = await sse(jobId);
    const events = await readUntil(conn, () => false);
    const job = await waitForJob(http, key, jobId);
    expect(job.status).toBe('completed');
    expect(events.at(-1)).toMatchObject({ event: 'end' });
    const result = events.find((e) => e.event === 'result');
    expect(JSON.parse(result!.data)).toMatchObject({ type: 'result' });
    expect(tokens(events)).toBe(job.result.text);
    expect(tokens(events).length).toBeGreaterThan(0);
  });

  it('rebuilds the ending from the record once the stream has expired', async () => {
    const res = await http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput('expire me') },
    });
    const job = await waitForJob(http, key, res.body.id);
    await waitUntil(
      async () => (await redis.exists(jobEventsKey(env.env.QUEUE_PREFIX, job.id))) === 1,
      'the stream',
    );
    await redis.del(jobEventsKey(env.env.QUEUE_PREFIX, job.id));
    const events = await readUntil(await sse(job.id), () => false);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['result', undefined],
      ['end', undefined],
    ]);
    expect(JSON.parse(events[0].data)).toMatchObject({ result: job.result });
  });

  it('long-polls GET /v1/jobs/:id?wait= until the job finishes', async () => {
    const res = await http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput('wait for me') },
    });
    const polled = await http('GET', `/v1/jobs/${res.body.id}?wait=30`, { key });
    expect(polled.status).toBe(200);
    expect(polled.body.status).toBe('completed');

    // A job that does not finish: the answer comes when the wait runs out, as it is.
    const parked = await parkedJob();
    const waited = await http('GET', `/v1/jobs/${parked}?wait=1`, { key });
    expect(waited.body).toMatchObject({ id: parked, status: 'delayed' });
    expect((await http('GET', `/v1/jobs/${parked}?wait=0`, { key })).body.status).toBe('delayed');

    for (const bad of ['-1', '61', 'soon', '1.5']) {
      expectProblem(
        await http('GET', `/v1/jobs/${parked}?wait=${bad}`, { key }),
        400,
        'invalid-query',
      );
    }
    expectProblem(await http('GET', `/v1/jobs/${randomUUID()}?wait=5`, { key }), 404, 'not-found');
    expectProblem(
      await http('GET', `/v1/jobs/${parked}?wait=5`, { key: otherKey }),
      404,
      'not-found',
    );
  });
});
