// The durable invocation log's Redis traffic, told apart from the per-call commands. Both go
// out on the platform's shared client (the drainer acknowledges on it too), so they are told
// apart by purpose: the drainer's reads (XREADGROUP on its own blocking connection,
// XAUTOCLAIM, XGROUP) and its acknowledgements (one MULTI pipeline of XACK + XDEL per batch).
import type { InvocationDrain } from '@switchboard/llm';
import { DrainCensus, type DrainTally } from './drain-census';

/** Commands in each of the drainer's acknowledgement pipelines: MULTI, XACK, XDEL, EXEC. */
const ACK_PIPELINE_COMMANDS = 4;
const DRAINER_READS = ['xreadgroup', 'xautoclaim', 'xgroup'];

/**
 * A census that also notes how many rows the process's InvocationDrain wrote to Postgres
 * while the drain was timed (its first `stop`; timedDrain stops once more on its way out).
 */
export class LedgerCensus extends DrainCensus {
  private rowsAtStart = 0;
  private rows: number | undefined;

  constructor(private readonly drainer: InvocationDrain) {
    super();
    // The drainer blocks in XREADGROUP on a connection of its own (private; read here as the
    // census reads ioredis' scriptsSet). Counted with the platform client, named by command.
    const blocking = (drainer as unknown as { blocking?: object }).blocking;
    if (blocking) this.watch(blocking, 'platform');
  }

  /** Rows the drainer wrote while timed (0 with the memory log). */
  get timedRows(): number {
    return this.rows ?? 0;
  }

  override start(): void {
    this.rowsAtStart = this.drainer.writtenRows;
    this.rows = undefined;
    super.start();
  }

  override stop(jobs: number): DrainTally {
    this.rows ??= this.drainer.writtenRows - this.rowsAtStart;
    return super.stop(jobs);
  }
}

/** One tally's platform-client traffic split between the LLM calls and the drainer. */
export interface LedgerSplit {
  /**
   * Commands and round trips sent by the calls themselves (gate, budget scripts, job events,
   * ...); `ledger` of those round trips are the spend ledger's: the RESERVE and SETTLE scripts,
   * or, for a call without a reservation, the MULTI that journals its answer instead (the only
   * pipeline with an HSET).
   */
  call: { commands: number; roundTrips: number; ledger: number };
  /** The drainer's reads and acknowledgement pipelines. */
  drainer: { reads: number; ackPipelines: number; commands: number; roundTrips: number };
}

export function splitLedgerTraffic(tally: DrainTally): LedgerSplit {
  const counts = tally.counts.platform;
  const reads = DRAINER_READS.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
  const ackPipelines = counts['pipeline: xack'] ?? 0;
  const drainer = {
    reads,
    ackPipelines,
    commands: reads + ackPipelines * ACK_PIPELINE_COMMANDS,
    roundTrips: reads + ackPipelines,
  };
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  const ledger = ['budget reserve', 'budget settle', 'pipeline: hset'].reduce(
    (sum, purpose) => sum + (counts[purpose] ?? 0),
    0,
  );
  return {
    call: {
      commands: all - drainer.commands,
      roundTrips: tally.roundTrips.platform - drainer.roundTrips,
      ledger,
    },
    drainer,
  };
}
