import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { BudgetService } from '@switchboard/budget';
import { PeriodicRead } from '@switchboard/observability';
import { REDIS_CLIENT } from '@switchboard/redis';
import type { Redis } from 'ioredis';
import { recordLedgerBacklog } from './invocation-log.metrics';

/** How often the backlog is read: about one scrape interval. */
const REFRESH_MS = 15_000;

/**
 * Reads, on a timer in the API, what Redis holds for the budget ledger: the reservations held
 * and the invocation rows waiting in the ledger stream (count, and the age of the oldest: the
 * drain's lag). Stream ids start with their entry's time in ms.
 */
@Injectable()
export class LedgerBacklogCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly periodic: PeriodicRead;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly budget: BudgetService,
  ) {
    const logger = new Logger('LedgerBacklog');
    this.periodic = new PeriodicRead('the ledger backlog', REFRESH_MS, () => this.read(), logger);
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  /** Stops before Redis closes; a read in flight ends on its own. */
  onModuleDestroy(): void {
    this.periodic.stop();
  }

  /** One read; a read still running is not doubled. */
  refresh(): Promise<void> {
    return this.periodic.refresh();
  }

  private async read(): Promise<void> {
    const stream = this.budget.invocationStream;
    // Separate commands, not one pipeline: the two keys may sit on different Cluster slots.
    const [held, pending, oldest] = await Promise.all([
      this.redis.zcard(this.budget.reservationsKey),
      this.redis.xlen(stream),
      this.redis.xrange(stream, '-', '+', 'COUNT', 1),
    ]);
    const now = Date.now();
    const first = oldest[0]?.[0];
    const lagMs = first ? Math.max(0, now - Number(first.split('-')[0])) : 0;
    recordLedgerBacklog({ pending, lagSeconds: lagMs / 1000, reservationsHeld: held });
  }
}
