import { chatInput, createTenant, waitForJob, type HttpResult } from '../support/http-client';
import { usePlatform } from '../support/platform';
import { expectProblem } from '../support/problem-assert';
import { linesWith, waitForLines } from '../support/worker-kit';

// Many clients replaying one failed job at once (retry, DLQ replay, or both): exactly one
// replays it, the others are told it is no longer failed, nobody gets a 5xx, and the job runs
// exactly once more.

const FAILING = chatInput('please fail [[simulate:error]]');
const FAIL_TIMEOUT_MS = 45_000;
const CLIENTS = 10;
const MAILBOX = 'agent.chat.t1';

describe('concurrent retry and replay of one failed job', () => {
  const platform = usePlatform();
  let key: string;

  const waitFailed = (id: string) =>
    waitForJob(platform.http, key, id, ['failed'], FAIL_TIMEOUT_MS);

  /** A job that has failed for good, the worker having logged the end of its last attempt. */
  const failedJob = async (): Promise<string> => {
    const res = await platform.http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: FAILING },
    });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFailed(id);
    await waitForLines(platform.worker, 1, `end ${MAILBOX} ${id}`, '(final)');
    return id;
  };

  /** After a replay: it fails again, and the worker ran it exactly twice in all. */
  const expectRanExactlyOnceMore = async (id: string): Promise<void> => {
    expect(await waitFailed(id)).toMatchObject({ attempts: { made: 3, max: 3 } });
    await waitForLines(platform.worker, 2, `end ${MAILBOX} ${id}`, '(final)');
    const starts = linesWith(platform.worker, `start ${MAILBOX} ${id} attempt `).map((line) =>
      Number(/attempt (\d+)/.exec(line)?.[1]),
    );
    expect(starts).toEqual([1, 2, 3, 1, 2, 3]);
    expect(linesWith(platform.worker, `end ${MAILBOX} ${id}`, '(final)')).toHaveLength(2);
  };

  const retry = (id: string) => platform.http('POST', `/v1/jobs/${id}/retry`, { key });
  const replay = (id: string) =>
    platform.http('POST', '/v1/dlq/replay', { key, body: { ids: [id] } });
  /**
   * Fires `request` from CLIENTS clients at once. The clients' connections are opened first,
   * so the requests reach the API together rather than one connection setup apart.
   */
  const together = async (
    id: string,
    request: (i: number) => Promise<HttpResult>,
  ): Promise<HttpResult[]> => {
    await Promise.all(
      Array.from({ length: CLIENTS }, () => platform.http('GET', `/v1/jobs/${id}`, { key })),
    );
    return Promise.all(Array.from({ length: CLIENTS }, (_, i) => request(i)));
  };
  const noServerErrors = (responses: HttpResult[]) =>
    expect(
      responses.filter((r) => r.status >= 500).map((r) => [r.status, r.body as unknown]),
    ).toEqual([]);

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'replay-races'));
  });

  it(`${CLIENTS} clients retry one failed job: one 202, the others 409 job-not-failed`, async () => {
    const id = await failedJob();
    const responses = await together(id, () => retry(id));

    noServerErrors(responses);
    const accepted = responses.filter((r) => r.status >= 200 && r.status < 300);
    expect(accepted).toHaveLength(1);
    expect(accepted[0].status).toBe(202);
    expect(accepted[0].body).toMatchObject({ id, finishedAt: null });
    for (const res of responses.filter((r) => r !== accepted[0])) {
      expectProblem(res, 409, 'job-not-failed');
      expect(res.body.detail).not.toMatch(/this one is failed/);
    }
    await expectRanExactlyOnceMore(id);
  });

  it(`${CLIENTS} clients replay one DLQ job: one reports it replayed, the others skipped`, async () => {
    const id = await failedJob();
    const responses = await together(id, () => replay(id));

    noServerErrors(responses);
    expect(responses.map((r) => r.status)).toEqual(Array(CLIENTS).fill(202));
    const replayed = responses.filter((r) => r.body.replayed.includes(id));
    expect(replayed).toHaveLength(1);
    expect(replayed[0].body).toEqual({ replayed: [id], skipped: [] });
    for (const res of responses.filter((r) => r !== replayed[0])) {
      expect(res.body).toEqual({
        replayed: [],
        skipped: [
          { id, reason: expect.stringMatching(/^not failed \((queued|active|delayed)\)$/) },
        ],
      });
    }
    await expectRanExactlyOnceMore(id);
  });

  it('retries and replays of one job mixed: exactly one of them replays it', async () => {
    const id = await failedJob();
    const responses = await together(id, (i) => (i % 2 === 0 ? retry(id) : replay(id)));

    noServerErrors(responses);
    const retried = responses.filter((r) => r.status === 202 && r.body.id === id);
    const replayed = responses.filter((r) => r.status === 202 && r.body.replayed?.includes(id));
    expect(retried.length + replayed.length).toBe(1);
    await expectRanExactlyOnceMore(id);
  });
});
