import { LatencyTracker } from './latency-tracker';

describe('LatencyTracker', () => {
  it('reads unmeasured models as 0, so they are tried first', () => {
    expect(new LatencyTracker().get('a/m')).toBe(0);
  });

  it('takes the first measurement as is, then moves by alpha towards each new one', () => {
    const latency = new LatencyTracker(0.5);
    latency.observe('a/m', 100);
    expect(latency.get('a/m')).toBe(100);
    latency.observe('a/m', 300);
    expect(latency.get('a/m')).toBe(200);
    latency.observe('a/m', 0);
    expect(latency.get('a/m')).toBe(100);
  });

  it('damps a single slow call with the default alpha', () => {
    const latency = new LatencyTracker();
    latency.observe('a/m', 100);
    latency.observe('a/m', 1_100);
    expect(latency.get('a/m')).toBe(300);
  });

  it('snapshots every model, rounded to whole milliseconds', () => {
    const latency = new LatencyTracker(1 / 3);
    latency.observe('a/m', 10);
    latency.observe('a/m', 11);
    latency.observe('b/n', 7.6);
    expect(latency.snapshot()).toEqual({ 'a/m': 10, 'b/n': 8 });
  });
});
