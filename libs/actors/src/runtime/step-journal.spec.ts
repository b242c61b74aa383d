import { StepJournal, type Step } from './step-journal';
import { deterministicUuid } from './deterministic-id';

describe('StepJournal', () => {
  it('replays recorded steps in order, then records new ones', () => {
    const first = new StepJournal();
    first.record({ kind: 'send', jobId: 'a' });
    first.record({ kind: 'spawn', childIds: ['b'] });
    const replay = new StepJournal([...first.toJSON()]);
    expect(replay.replay('send')).toEqual({ kind: 'send', jobId: 'a' });
    expect(replay.replay('spawn')).toEqual({ kind: 'spawn', childIds: ['b'] });
    expect(replay.replay('llm')).toBeUndefined();
    expect(replay.position).toBe(2);
  });

  it('refuses a replay that changed shape', () => {
    const journal = new StepJournal([{ kind: 'send', jobId: 'a' }]);
    expect(() => journal.replay('spawn')).toThrow(/not deterministic/);
  });
});

describe('StepJournal with gaps', () => {
  const answer = (text: string): Step => ({
    kind: 'llm',
    response: {
      text,
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, costMicros: 3 },
      model: 'm',
      provider: 'p',
      tier: 1,
    },
  });
  const send: Step = { kind: 'send', jobId: 'child' };

  it('writes a gap as null, and reads one back as a step still to do', () => {
    const journal = new StepJournal([send, null, { kind: 'spawn', childIds: ['c'] }]);
    expect(journal.toJSON()).toEqual([send, null, { kind: 'spawn', childIds: ['c'] }]);
    expect(journal.replay('send')).toEqual(send);
    expect(journal.replay('llm')).toBeUndefined(); // the gap: this call runs again
    expect(journal.position).toBe(1);
    expect(journal.claim()).toBe(1);
    expect(journal.replay('spawn')).toEqual({ kind: 'spawn', childIds: ['c'] });
    expect(new StepJournal().toJSON()).toEqual([]);
  });

  it("merges the job's recorded steps with the answers kept elsewhere; the recorded win", () => {
    const more = new Map<number, Step>([
      [0, answer('shadowed')],
      [1, answer('one')],
      [3, answer('three')],
    ]);
    const journal = new StepJournal([send], more);
    expect(journal.toJSON()).toEqual([send, answer('one'), null, answer('three')]);
    expect(journal.replay('send')).toEqual(send);
    expect(journal.replay('llm')).toEqual(answer('one'));
    expect(journal.replay('llm')).toBeUndefined();
    expect(new StepJournal(undefined, more).toJSON()).toEqual([
      answer('shadowed'),
      answer('one'),
      null,
      answer('three'),
    ]);
  });

  it('merges the payload (old jobs), the step rows and the answers, the first source winning', () => {
    const spawn: Step = { kind: 'spawn', childIds: ['c'] };
    const started: Step = { kind: 'once', label: 'pay', state: 'started' };
    const rows = new Map<number, Step>([
      [0, { kind: 'send', jobId: 'shadowed' }],
      [2, started],
      [4, spawn],
    ]);
    const answers = new Map<number, Step>([
      [1, answer('one')],
      [2, answer('shadowed')],
    ]);
    const journal = new StepJournal([send], rows, undefined, answers);
    expect(journal.toJSON()).toEqual([send, answer('one'), started, null, spawn]);
    expect(journal.replay('send')).toEqual(send);
    expect(journal.replay('llm')).toEqual(answer('one'));
    expect(journal.replay('once')).toEqual(started);
    expect(journal.replay('send')).toBeUndefined(); // the gap: this step runs again
    expect(journal.claim()).toBe(3);
    expect(journal.replay('spawn')).toEqual(spawn);
  });

  it('keeps the call order of concurrent calls, whichever answers first', () => {
    const journal = new StepJournal();
    const first = journal.claim();
    const second = journal.claim();
    expect(journal.toJSON()).toEqual([]); // claimed, not answered yet
    journal.fill(second, answer('second'));
    expect(journal.toJSON()).toEqual([null, answer('second')]);
    journal.fill(first, answer('first'));
    expect(journal.record(send)).toBe(2);
    expect(journal.toJSON()).toEqual([answer('first'), answer('second'), send]);

    // The next run replays them in the same order.
    const rerun = new StepJournal(journal.toJSON());
    expect(rerun.replay('llm')).toEqual(answer('first'));
    expect(rerun.replay('llm')).toEqual(answer('second'));
    expect(rerun.replay('send')).toEqual(send);
  });
});

describe('deterministicUuid', () => {
  it('is stable and shaped like a UUID', () => {
    const id = deterministicUuid('parent:0:1');
    expect(id).toBe(deterministicUuid('parent:0:1'));
    expect(id).not.toBe(deterministicUuid('parent:0:2'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
