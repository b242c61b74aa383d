import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Colour } from './deploy-options';

/** One colour's processes as the last deploy that started them left them. */
export interface ColourState {
  release: string;
  apiPort: number;
  env: Record<string, string>;
  pids: { api: number; workers: number[] };
  logs: string[];
  startedAt: string;
}

/** The deploy state file (`<state-dir>/state.json`): which colour is live, and each colour. */
export interface DeployState {
  active: Colour | null;
  colours: Partial<Record<Colour, ColourState>>;
  history: { at: string; command: string; colour: Colour; release: string; outcome: string }[];
}

const FILE = 'state.json';

export function readState(stateDir: string): DeployState {
  try {
    return JSON.parse(readFileSync(join(stateDir, FILE), 'utf8')) as DeployState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { active: null, colours: {}, history: [] };
    }
    throw error;
  }
}

/** Written whole to a temporary file and renamed over the old one: never half a state. */
export function writeState(stateDir: string, state: DeployState): void {
  mkdirSync(stateDir, { recursive: true });
  const tmp = join(stateDir, `${FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, join(stateDir, FILE));
}
