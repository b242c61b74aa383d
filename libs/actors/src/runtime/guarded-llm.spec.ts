import type { LlmClient, LlmResponse } from '@switchboard/llm';
import { JobCancelledError, JobTimeoutError } from '../actor-errors';
import { ActiveJobs } from './active-jobs';
import { GuardedLlm } from './guarded-llm';
import { InFlightWork } from './in-flight-work';

const response = { text: 'ok' } as LlmResponse;

/** A client whose stream yields `deltas`, aborting `controller` after the `abortAfter`th. */
function scriptedClient(deltas: string[], controller: AbortController, abortAfter = -1) {
  const calls: string[] = [];
  const client: LlmClient = {
    chat: async () => {
      calls.push('chat');
      return response;
    },
    embed: async () => {
      calls.push('embed');
      return { embeddings: [], usage: response.usage, model: 'm', provider: 'p' };
    },
    rerank: async () => {
      calls.push('rerank');
      return { results: [], usage: response.usage, model: 'm', provider: 'p' };
    },
    async *stream() {
      calls.push('stream');
      for (const [i, text] of deltas.entries()) {
        if (i === abortAfter) controller.abort(new JobTimeoutError(10));
        yield { type: 'delta', text };
      }
      yield { type: 'done', response };
    },
  };
  return { client, calls };
}

describe('GuardedLlm', () => {
  it('passes calls through while the run is live, tracking each until it settles', async () => {
    const controller = new AbortController();
    const work = new InFlightWork();
    const { client } = scriptedClient(['a', 'b'], controller);
    const llm = new GuardedLlm(client, controller.signal, work);
    const pending = llm.chat({ messages: [] });
    expect(work.size).toBe(1);
    await expect(pending).resolves.toBe(response);
    const seen: string[] = [];
    for await (const event of llm.stream({ messages: [] })) seen.push(event.type);
    expect(seen).toEqual(['delta', 'delta', 'done']);
    expect(await work.settled(100)).toBe(true);
  });

  it('starts nothing once the run is over, and says why', async () => {
    const controller = new AbortController();
    const { client, calls } = scriptedClient(['a'], controller);
    const llm = new GuardedLlm(client, controller.signal, new InFlightWork());
    controller.abort(new JobCancelledError());
    expect(() => llm.chat({ messages: [] })).toThrow(JobCancelledError);
    expect(() => llm.embed({ input: ['x'] })).toThrow(JobCancelledError);
    await expect(llm.stream({ messages: [] })[Symbol.asyncIterator]().next()).rejects.toThrow(
      JobCancelledError,
    );
    expect(calls).toEqual([]);
  });

  it('passes on no stream event after the abort, and ends with its reason', async () => {
    const controller = new AbortController();
    const work = new InFlightWork();
    const { client } = scriptedClient(['a', 'b', 'c'], controller, 1);
    const llm = new GuardedLlm(client, controller.signal, work);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of llm.stream({ messages: [] })) {
        if (event.type === 'delta') seen.push(event.text);
      }
    })();
    await expect(reading).rejects.toThrow(JobTimeoutError);
    expect(seen).toEqual(['a']);
    expect(work.size).toBe(0);
  });
});

describe('ActiveJobs', () => {
  it('cancels the run of a job by id, once, and forgets only its own entry', () => {
    const jobs = new ActiveJobs();
    const first = new AbortController();
    const second = new AbortController();
    jobs.add('j1', first);
    jobs.add('j1', second); // the same job run again (stalled and taken back by this process)
    jobs.delete('j1', first);
    expect(jobs.running()).toEqual(['j1']);
    expect(jobs.cancel('j1')).toBe(true);
    expect(second.signal.reason).toBeInstanceOf(JobCancelledError);
    expect(jobs.cancel('j1')).toBe(false);
    expect(jobs.cancel('unknown')).toBe(false);
  });
});
