import { resolve } from 'node:path';
import { DeployRefused } from './deploy-errors';

export type Colour = 'blue' | 'green';
export const otherColour = (colour: Colour): Colour => (colour === 'blue' ? 'green' : 'blue');

/** Everything a deploy needs to know, from flags with DEPLOY_* environment fallbacks. */
export interface DeployOptions {
  stateDir: string;
  /** A built checkout (its `dist/` runs); recorded per colour so a rollback runs it again. */
  release: string;
  ports: Record<Colour, number>;
  workers: number;
  /** Extra environment for the new colour's processes (KEY=VALUE); recorded in the state. */
  env: Record<string, string>;
  nginx: { bin: string; conf: string; prefix?: string; upstreamFile: string; url: string };
  migrateCommand?: string;
  skipMigrations: boolean;
  smoke: { key?: string; tier: number; timeoutMs: number };
  readyTimeoutMs: number;
  graceMs: number;
  settleMs: number;
}

type Flags = Map<string, string[]>;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new DeployRefused(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) value = 'true';
      else i += 1;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): DeployOptions {
  const flags = parseFlags(argv);
  const get = (name: string, envName: string, fallback?: string): string | undefined =>
    flags.get(name)?.at(-1) ?? env[envName] ?? fallback;
  const need = (name: string, envName: string): string => {
    const value = get(name, envName);
    if (!value) throw new DeployRefused(`--${name} (or ${envName}) is required`);
    return value;
  };
  const int = (name: string, envName: string, fallback: number): number => {
    const raw = get(name, envName, String(fallback))!;
    if (!/^\d+$/.test(raw)) throw new DeployRefused(`--${name} must be a whole number`);
    return Number(raw);
  };
  const extraEnv: Record<string, string> = {};
  for (const pair of flags.get('env') ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new DeployRefused(`--env takes KEY=VALUE, not ${pair}`);
    extraEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const release = resolve(get('release', 'DEPLOY_RELEASE', process.cwd())!);
  const prefix = get('nginx-prefix', 'DEPLOY_NGINX_PREFIX');
  return {
    stateDir: resolve(get('state-dir', 'DEPLOY_STATE_DIR', '.deploy')!),
    release,
    ports: {
      blue: int('blue-port', 'DEPLOY_BLUE_PORT', 3101),
      green: int('green-port', 'DEPLOY_GREEN_PORT', 3102),
    },
    workers: int('workers', 'DEPLOY_WORKERS', 1),
    env: extraEnv,
    nginx: {
      bin: get('nginx-bin', 'DEPLOY_NGINX_BIN', '/usr/sbin/nginx')!,
      conf: resolve(need('nginx-conf', 'DEPLOY_NGINX_CONF')),
      prefix: prefix ? resolve(prefix) : undefined,
      upstreamFile: resolve(need('upstream-file', 'DEPLOY_UPSTREAM_FILE')),
      url: need('nginx-url', 'DEPLOY_NGINX_URL').replace(/\/$/, ''),
    },
    migrateCommand: get('migrate-command', 'DEPLOY_MIGRATE_COMMAND'),
    skipMigrations: get('skip-migrations', 'DEPLOY_SKIP_MIGRATIONS', 'false') === 'true',
    smoke: {
      key: get('smoke-key', 'DEPLOY_SMOKE_API_KEY'),
      tier: int('smoke-tier', 'DEPLOY_SMOKE_TIER', 1),
      timeoutMs: int('smoke-timeout-ms', 'DEPLOY_SMOKE_TIMEOUT_MS', 60_000),
    },
    readyTimeoutMs: int('ready-timeout-ms', 'DEPLOY_READY_TIMEOUT_MS', 30_000),
    graceMs: int('grace-ms', 'DEPLOY_GRACE_MS', 60_000),
    settleMs: int('settle-ms', 'DEPLOY_SETTLE_MS', 1_000),
  };
}
