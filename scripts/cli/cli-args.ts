import { parseArgs } from 'node:util';

export type CliCommand =
  | { kind: 'tenant:create'; tenant: string }
  | { kind: 'tenant:list' }
  | { kind: 'key:create'; tenant: string; label: string }
  | { kind: 'key:list'; tenant: string }
  | { kind: 'key:revoke'; keyId: string }
  | { kind: 'migrate' }
  | { kind: 'help' };

export interface CliInvocation {
  command: CliCommand;
  /** Machine-readable output on stdout. */
  json: boolean;
}

export const DEFAULT_KEY_LABEL = 'default';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  tenant:create <name>                  create a tenant (name: a-z 0-9 - _ ., up to 100)
  tenant:list                           list tenants
  key:create <tenant-name> [--name <label>]
                                        create an API key; it is printed once, never again
  key:list <tenant-name>                list a tenant's keys (prefixes only)
  key:revoke <key-id>                   revoke a key at once (idempotent)
  migrate                               apply pending database migrations

Options:
  --json                                print JSON on stdout
  -h, --help                            show this help

Every command applies pending migrations first. Configuration comes from the environment
(DATABASE_URL, DATABASE_SCHEMA, ...). Exit codes: 0 ok, 1 error, 2 usage.`;

/** A command line we cannot run: exit code 2, with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCliArgs(argv: string[]): CliInvocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string', short: 'n' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  if (values.help || positionals.length === 0 || positionals[0] === 'help') {
    return { command: { kind: 'help' }, json };
  }
  const [name, ...args] = positionals;
  if (values.name !== undefined && name !== 'key:create') {
    throw new UsageError(`--name only applies to key:create`);
  }
  return { command: toCommand(name, args, values.name), json };
}

function toCommand(name: string, args: string[], label: string | undefined): CliCommand {
  switch (name) {
    case 'tenant:create':
      return { kind: name, tenant: exactlyOne(name, args, '<name>') };
    case 'tenant:list':
      return none(name, args, { kind: name });
    case 'key:create':
      return {
        kind: name,
        tenant: exactlyOne(name, args, '<tenant-name>'),
        label: label ?? DEFAULT_KEY_LABEL,
      };
    case 'key:list':
      return { kind: name, tenant: exactlyOne(name, args, '<tenant-name>') };
    case 'key:revoke':
      return { kind: name, keyId: exactlyOne(name, args, '<key-id>') };
    case 'migrate':
      return none(name, args, { kind: name });
    default:
      throw new UsageError(`Unknown command "${name}"`);
  }
}

function exactlyOne(command: string, args: string[], what: string): string {
  if (args.length !== 1) throw new UsageError(`${command} takes exactly one argument: ${what}`);
  return args[0];
}

function none<T>(command: string, args: string[], result: T): T {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments`);
  return result;
}
