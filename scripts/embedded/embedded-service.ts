import { spawnServer, signalOnExit, stopChild } from './child-process';
import { waitUntilReady } from './wait-until-ready';

/** A database server started by the launcher for this machine only. */
export interface EmbeddedService {
  url: string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  log: (line: string) => void;
  cmd: string;
  args: string[];
  logFile: string;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** The signal that asks this server for a clean shutdown. */
  stopSignal: NodeJS.Signals;
  timeoutMs: number;
  probe: () => Promise<void>;
}

/** Spawns a server and waits until it answers. The returned stop() may be called twice. */
export async function startServer(spec: ServerSpec): Promise<() => Promise<void>> {
  const child = spawnServer(spec.cmd, spec.args, spec);
  const unhook = signalOnExit(child, spec.stopSignal);
  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number): Promise<void> =>
    (stopping ??= stopChild(child, spec.stopSignal, graceMs).finally(() => {
      unhook();
      spec.log(`${spec.name}: stopped`);
    }));
  try {
    await waitUntilReady({ ...spec, child });
  } catch (error) {
    await stop(5_000); // never leave a half-started server behind
    throw error;
  }
  return () => stop();
}
