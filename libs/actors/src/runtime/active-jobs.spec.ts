import { HandBackSignal, JobCancelledError } from '../actor-errors';
import { ActiveJobs } from './active-jobs';

describe('ActiveJobs', () => {
  it('cancels the run of a job held here, once', () => {
    const active = new ActiveJobs();
    const run = new AbortController();
    active.add('job-1', run);
    expect(active.cancel('job-1')).toBe(true);
    expect(run.signal.reason).toBeInstanceOf(JobCancelledError);
    // Already stopping: a second cancel message changes nothing.
    expect(active.cancel('job-1')).toBe(false);
    expect(active.cancel('elsewhere')).toBe(false);
  });

  it('lets only the run that registered remove its entry', () => {
    const active = new ActiveJobs();
    const first = new AbortController();
    const second = new AbortController();
    active.add('job-1', first);
    // The job's next run registers before the first one has unwound.
    active.add('job-1', second);
    active.delete('job-1', first);
    expect(active.running()).toEqual(['job-1']);
    expect(active.cancel('job-1')).toBe(true);
    expect(second.signal.aborted).toBe(true);
    expect(first.signal.aborted).toBe(false);
    active.delete('job-1', second);
    expect(active.size).toBe(0);
  });

  it('hands every run back at shutdown, but leaves a cancelled one cancelled', () => {
    const active = new ActiveJobs();
    const [a, b, c] = [new AbortController(), new AbortController(), new AbortController()];
    active.add('a', a);
    active.add('b', b);
    active.add('c', c);
    active.cancel('b');
    active.handBackAll();
    expect(a.signal.reason).toBeInstanceOf(HandBackSignal);
    expect(b.signal.reason).toBeInstanceOf(JobCancelledError);
    expect(c.signal.reason).toBeInstanceOf(HandBackSignal);
    expect(active.running().sort()).toEqual(['a', 'b', 'c']);
    expect(active.size).toBe(3);
  });
});
