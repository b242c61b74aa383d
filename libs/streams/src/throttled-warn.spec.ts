import type { Logger } from '@nestjs/common';
import { throttledWarn } from './throttled-warn';

describe('throttledWarn', () => {
  let now: number;
  let warnings: string[];
  let warn: (message: string) => void;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    warnings = [];
    const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
    warn = throttledWarn(logger, 10_000);
  });

  afterEach(() => jest.restoreAllMocks());

  it('logs the first warning, then at most one per interval with the number suppressed', () => {
    warn('Redis down');
    warn('Redis down');
    now += 9_999;
    warn('Redis down');
    expect(warnings).toEqual(['Redis down']);
    now += 1;
    warn('Redis still down');
    expect(warnings).toEqual(['Redis down', 'Redis still down (+2 similar since)']);
  });

  it('starts counting again after each line it logs', () => {
    warn('a');
    now += 10_000;
    warn('b');
    now += 10_000;
    warn('c');
    expect(warnings).toEqual(['a', 'b', 'c']);
  });
});
