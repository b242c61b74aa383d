import { ALL_MAILBOXES, type MailboxName } from '@switchboard/catalogue';

export interface PoolSpec {
  pattern: string;
  /** Jobs at once, for each mailbox the pattern matches. */
  concurrency: number;
  /** BullMQ rate limit: at most `max` jobs per `durationMs`, per mailbox. */
  limiter?: { max: number; duration: number };
  mailboxes: MailboxName[];
}

const ENTRY = /^([a-z0-9.*]+)(?::(\d+))?(?:@(\d+)\/(\d+)ms)?$/;

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/\./g, '\\.'));
  return new RegExp(`^${escaped.join('[^.]*')}$`);
}

/**
 * Parses WORKER_POOLS: `pattern[:concurrency][@max/durationMs]`, comma separated, e.g.
 * `agent.*.t0:2,agent.*.t3:8@60/1000ms`. A mailbox goes to the first pattern that matches.
 */
export function parsePools(value: string): PoolSpec[] {
  const taken = new Set<MailboxName>();
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = ENTRY.exec(entry);
      if (!match) {
        throw new Error(
          `WORKER_POOLS: cannot read '${entry}'; expected pattern[:concurrency][@max/durationMs], e.g. agent.*.t0:4`,
        );
      }
      const [, pattern, concurrency, max, duration] = match;
      const regexp = globToRegExp(pattern);
      const matching = ALL_MAILBOXES.filter((m) => regexp.test(m));
      if (matching.length === 0) {
        throw new Error(
          `WORKER_POOLS: '${pattern}' matches no mailbox (they look like agent.coder.t1)`,
        );
      }
      const mailboxes = matching.filter((m) => !taken.has(m));
      mailboxes.forEach((m) => taken.add(m));
      const spec: PoolSpec = { pattern, concurrency: Number(concurrency ?? 1), mailboxes };
      if (spec.concurrency < 1)
        throw new Error(`WORKER_POOLS: concurrency of '${pattern}' must be at least 1`);
      if (max && duration) spec.limiter = { max: Number(max), duration: Number(duration) };
      return spec;
    });
}
