import { errorText, progress } from './bench-output';

interface PendingCleanup {
  name: string;
  run: () => Promise<void>;
}

const pending: PendingCleanup[] = [];
let installed = false;

/**
 * Registers a cleanup that must run even if the bench is interrupted. The caller runs it in
 * its own `finally` through the returned function (which never throws); a signal runs every
 * pending one, newest first.
 */
export function deferCleanup(name: string, run: () => Promise<void>): () => Promise<void> {
  const entry: PendingCleanup = { name, run };
  pending.push(entry);
  let done: Promise<void> | undefined;
  return () => {
    done ??= (async () => {
      const index = pending.indexOf(entry);
      if (index >= 0) pending.splice(index, 1);
      // Reported, not thrown: a failed cleanup must not hide the error that ended the leg.
      await run().catch((error: unknown) =>
        progress(`cleanup '${name}' failed: ${errorText(error)}`),
      );
    })();
    return done;
  };
}

async function runPending(): Promise<void> {
  while (pending.length > 0) {
    const entry = pending.pop() as PendingCleanup;
    try {
      await entry.run();
    } catch (error) {
      progress(`cleanup '${entry.name}' failed: ${errorText(error)}`);
    }
  }
}

/** Ctrl-C or SIGTERM: clean up what is pending (child process, schemas, keys), then exit. */
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up ${pending.length} pending resources`);
    void runPending().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
