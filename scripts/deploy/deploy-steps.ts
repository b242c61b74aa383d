import { colourPids, startColour, stopColour, waitReady } from './colour-processes';
import { DeployFailed, DeployRefused } from './deploy-errors';
import { takeLock } from './deploy-lock';
import { type Colour, type DeployOptions, otherColour } from './deploy-options';
import { readState, writeState, type ColourState, type DeployState } from './deploy-state';
import { runMigrationsStep } from './migrations-step';
import { switchNginx } from './nginx-switch';
import { isAlive, sleep } from './process-control';
import { runSmokeJob } from './smoke-job';

type Say = (line: string) => void;

/** How long a colour that failed its deploy gets to stop before SIGKILL. */
const ABANDON_GRACE_MS = 10_000;

/**
 * The steps of one switch, for `deploy` (a new release on the idle colour) and `rollback`
 * (the previous colour's release again, without migrations): lock → migrations → start →
 * ready → smoke → switch nginx → drain the old colour → record → unlock. A failure before the
 * switch stops the new colour and leaves traffic where it was.
 */
async function switchTo(
  command: 'deploy' | 'rollback',
  opts: DeployOptions,
  pick: (state: DeployState) => { colour: Colour; release: string; env: Record<string, string> },
  say: Say,
): Promise<void> {
  const unlock = takeLock(opts.stateDir, command, say);
  say('[lock] taken');
  try {
    const state = readState(opts.stateDir);
    const { colour, release, env } = pick(state);
    const old = state.active;
    const oldState = old ? state.colours[old] : undefined;
    const stays = old ? `traffic stays on ${old}` : 'no colour takes traffic';
    say(`[plan] ${command}: ${old ?? 'nothing'} → ${colour} (release ${release})`);
    const leftover = state.colours[colour];
    if (leftover && colour !== old && colourPids(leftover).some(isAlive)) {
      say(`[start] stopping what is left of ${colour} from an earlier deploy`);
      await stopColour(leftover, ABANDON_GRACE_MS);
    }
    let started: ColourState | undefined;
    try {
      if (command === 'deploy' && !opts.skipMigrations) {
        for (const line of runMigrationsStep(release, opts.migrateCommand).split('\n')) {
          say(`[migrate] ${line}`);
        }
      }
      started = startColour(colour, { ...opts, env }, release);
      say(
        `[start] ${colour}: api pid ${started.pids.api} on :${started.apiPort}, workers ${started.pids.workers.join(', ')}`,
      );
      await waitReady(colour, started, opts.readyTimeoutMs);
      say(`[ready] ${colour} is ready`);
      const smokeId = await runSmokeJob(colour, started.apiPort, opts.smoke);
      say(`[smoke] job ${smokeId} completed on ${colour}`);
      await switchNginx(opts.nginx, colour, started.apiPort);
      say(`[switch] nginx sends new requests to ${colour}`);
    } catch (error) {
      if (started) await stopColour(started, ABANDON_GRACE_MS);
      record(opts, state, command, colour, release, `failed: ${(error as Error).message}`);
      if (error instanceof DeployFailed) {
        throw new DeployFailed(error.step, `${error.message}\n${stays}`);
      }
      throw error;
    }
    state.active = colour;
    state.colours[colour] = started;
    record(opts, state, command, colour, release, 'switched');
    if (old && oldState) {
      // In-flight requests the old nginx workers still carry finish before the old API goes.
      await sleep(opts.settleMs);
      say(
        `[drain] ${old}: SIGTERM to ${colourPids(oldState).join(', ')} (grace ${opts.graceMs} ms)`,
      );
      const killed = await stopColour(oldState, opts.graceMs);
      say(
        killed.length > 0
          ? `[drain] ${old}: ${killed.length} processes did not stop within grace and were killed`
          : `[drain] ${old} stopped`,
      );
    }
    record(opts, state, command, colour, release, 'done');
    say(`[done] ${colour} is live (release ${release})`);
  } finally {
    unlock();
  }
}

function record(
  opts: DeployOptions,
  state: DeployState,
  command: string,
  colour: Colour,
  release: string,
  outcome: string,
): void {
  state.history = [
    ...state.history.slice(-49),
    { at: new Date().toISOString(), command, colour, release, outcome },
  ];
  writeState(opts.stateDir, state);
}

/** The release in `--release` on the colour that does not take traffic. */
export function deploy(opts: DeployOptions, say: Say): Promise<void> {
  return switchTo(
    'deploy',
    opts,
    (state) => ({
      colour: state.active ? otherColour(state.active) : 'blue',
      release: opts.release,
      env: opts.env,
    }),
    say,
  );
}

/** The other colour's last release again (its recorded environment too); no migrations. */
export function rollback(opts: DeployOptions, say: Say): Promise<void> {
  return switchTo(
    'rollback',
    opts,
    (state) => {
      const previous = state.active ? otherColour(state.active) : undefined;
      const last = previous ? state.colours[previous] : undefined;
      if (!previous || !last)
        throw new DeployRefused('nothing to roll back to: no previous colour');
      return { colour: previous, release: last.release, env: last.env };
    },
    say,
  );
}

export function status(opts: DeployOptions, say: Say): void {
  const state = readState(opts.stateDir);
  say(`active: ${state.active ?? 'none'}`);
  for (const colour of ['blue', 'green'] as const) {
    const c = state.colours[colour];
    if (!c) continue;
    const running = colourPids(c).filter(isAlive).length;
    say(
      `${colour}: release ${c.release}, api :${c.apiPort}, ${running}/${colourPids(c).length} processes running, started ${c.startedAt}`,
    );
  }
  const last = state.history.at(-1);
  if (last) say(`last: ${last.command} ${last.colour} at ${last.at}: ${last.outcome}`);
}

/** Stops every colour's processes (end of a test, or taking the host down). */
export async function stopAll(opts: DeployOptions, say: Say): Promise<void> {
  const unlock = takeLock(opts.stateDir, 'stop', say);
  try {
    const state = readState(opts.stateDir);
    for (const colour of ['blue', 'green'] as const) {
      const c = state.colours[colour];
      if (c) await stopColour(c, opts.graceMs);
    }
    state.active = null;
    writeState(opts.stateDir, state);
    say('[stop] every colour stopped');
  } finally {
    unlock();
  }
}
