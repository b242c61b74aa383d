import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findOnPath, isExecutable } from './find-binary';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

// Debian's packages keep the server binaries off the PATH, one directory per major version.
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** initdb and postgres from one installation: the PATH first, then the newest Debian version. */
export function findPostgresBinaries(): PostgresBinaries {
  const initdb = findOnPath('initdb');
  // Take postgres from initdb's directory so that both come from the same version.
  const onPath = initdb ? binariesIn(dirname(initdb)) : undefined;
  const found =
    onPath ??
    debianVersionDirs()
      .map(binariesIn)
      .find((bins) => bins !== undefined);
  if (found) return found;
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) were not found on the PATH or in ' +
      `${DEBIAN_ROOT}/*/bin. Install PostgreSQL (Debian/Ubuntu: \`sudo apt-get install ` +
      'postgresql`, macOS: `brew install postgresql@15`), or set DATABASE_URL to an existing ' +
      'server (for example postgres://postgres@127.0.0.1:5432/switchboard).',
  );
}

function binariesIn(dir: string): PostgresBinaries | undefined {
  const bins = { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') };
  return isExecutable(bins.initdb) && isExecutable(bins.postgres) ? bins : undefined;
}

/** `<root>/<major>/bin`, newest major first. */
function debianVersionDirs(): string[] {
  let versions: string[];
  try {
    versions = readdirSync(DEBIAN_ROOT).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((version) => join(DEBIAN_ROOT, version, 'bin'));
}
