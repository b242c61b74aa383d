// `npm run deploy` / `npm run rollback` / `node dist/scripts/deploy/deploy.js status|stop`:
// blue-green deploys of the API and workers behind nginx. See "Blue-green deploys" in
// docs/operations.md. Exit codes: 0 done, 1 failed (traffic did not move), 2 refused.
import { DeployFailed, DeployRefused } from './deploy-errors';
import { readOptions } from './deploy-options';
import { deploy, rollback, status, stopAll } from './deploy-steps';

const say = (line: string) =>
  process.stdout.write(`${line}  (${new Date().toISOString().slice(11, 23)})\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const opts = readOptions(rest, process.env);
  switch (command) {
    case 'deploy':
      await deploy(opts, say);
      return 0;
    case 'rollback':
      await rollback(opts, say);
      return 0;
    case 'status':
      status(opts, say);
      return 0;
    case 'stop':
      await stopAll(opts, say);
      return 0;
    default:
      throw new DeployRefused(
        `usage: deploy.js deploy|rollback|status|stop [--flags] (got ${command ?? 'nothing'})`,
      );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DeployFailed) {
      process.stderr.write(`[failed] ${error.step}: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof DeployRefused) {
      process.stderr.write(`[refused] ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`[failed] ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
