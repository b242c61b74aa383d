import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { parsePools } from './pool-spec';

describe('parsePools', () => {
  it('serves every mailbox with the default', () => {
    const [pool] = parsePools('agent.*.t*:10');
    expect(pool.mailboxes).toEqual(ALL_MAILBOXES);
    expect(pool.concurrency).toBe(10);
  });

  it('gives a mailbox to the first pattern that matches', () => {
    const pools = parsePools('agent.coder.t0:2, agent.*.t0:4@60/1000ms');
    expect(pools[0].mailboxes).toEqual(['agent.coder.t0']);
    expect(pools[1].mailboxes).not.toContain('agent.coder.t0');
    expect(pools[1].mailboxes).toContain('agent.chat.t0');
    expect(pools[1].limiter).toEqual({ max: 60, duration: 1000 });
  });

  it('refuses patterns that match nothing or cannot be read', () => {
    expect(() => parsePools('agent.wizard.t0')).toThrow(/matches no mailbox/);
    expect(() => parsePools('agent.chat.t0:x')).toThrow(/cannot read/);
    expect(() => parsePools('agent.chat.t0:0')).toThrow(/at least 1/);
  });
});
