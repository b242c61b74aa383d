import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DeployFailed } from './deploy-errors';

/**
 * The release's pending migrations, before anything else starts. They must be expand-only
 * (see "Blue-green deploys" in docs/operations.md): the live colour keeps running on the new
 * schema, and a rollback needs no down migration.
 */
export function runMigrationsStep(release: string, command: string | undefined): string {
  const cmd =
    command ?? `"${process.execPath}" "${join(release, 'dist', 'scripts', 'migrate.js')}"`;
  const result = spawnSync('sh', ['-c', cmd], { cwd: release, env: process.env, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) {
    throw new DeployFailed('migrate', `migrations failed (exit ${result.status}): ${output}`);
  }
  return output || 'done';
}
