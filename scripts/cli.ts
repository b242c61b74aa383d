// Administration from the command line: `npm run cli -- <command>`. See `--help`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TenantsService } from '@switchboard/auth';
import { ConfigError, loadConfig } from '@switchboard/config';
import { runMigrations } from '@switchboard/persistence';
import { type CliInvocation, parseCliArgs, USAGE, UsageError } from './cli/cli-args';
import { runTenantCommand } from './cli/cli-commands';
import { CliModule } from './cli/cli.module';
import { type CliOutput, oneLine, processOutput } from './cli/cli-output';

const EXIT_OK = 0;
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

async function main(argv: string[], io: CliOutput): Promise<number> {
  let invocation: CliInvocation;
  try {
    invocation = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    await run(invocation, io);
    return EXIT_OK;
  } catch (error) {
    const message = error instanceof ConfigError ? error.problems.join('; ') : oneLine(error);
    io.err(`error: ${message}`);
    return EXIT_ERROR;
  }
}

async function run(invocation: CliInvocation, io: CliOutput): Promise<void> {
  const { command } = invocation;
  if (command.kind === 'help') return io.out(USAGE);
  const config = loadConfig(process.env);
  // Every command migrates first, so it works on a fresh database.
  const applied = await runMigrations(config.database);
  if (command.kind === 'migrate') {
    if (invocation.json) return io.out(JSON.stringify({ applied }));
    return io.out(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  }
  if (applied.length) io.err(`Applied migrations: ${applied.join(', ')}`);
  const app = await NestFactory.createApplicationContext(CliModule, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    await runTenantCommand(app.get(TenantsService), { ...invocation, command }, io);
  } finally {
    await app.close();
  }
}

void main(process.argv.slice(2), processOutput).then((code) => {
  process.exitCode = code;
});
