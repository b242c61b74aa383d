import { StepJournal } from './step-journal';
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

describe('deterministicUuid', () => {
  it('is stable and shaped like a UUID', () => {
    const id = deterministicUuid('parent:0:1');
    expect(id).toBe(deterministicUuid('parent:0:1'));
    expect(id).not.toBe(deterministicUuid('parent:0:2'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
