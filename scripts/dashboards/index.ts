// `npm run dashboards` writes grafana/dashboards/*.json from the builders in this folder;
// `npm run check:dashboards` (part of `npm run check`) fails if the committed files differ.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildDashboards, DASHBOARDS_DIR } from './render';

/**
 * File name → JSON text, as committed: formatted by Prettier with the repository's settings,
 * so `npm run format` leaves the files as the generator wrote them.
 */
async function renderDashboards(root = process.cwd()): Promise<Record<string, string>> {
  const rendered: Record<string, string> = {};
  for (const [file, dashboard] of Object.entries(buildDashboards())) {
    const path = join(root, DASHBOARDS_DIR, file);
    const options = (await resolveConfig(path)) ?? {};
    rendered[file] = await format(JSON.stringify(dashboard), { ...options, filepath: path });
  }
  return rendered;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const root = process.cwd();
  const dir = join(root, DASHBOARDS_DIR);
  const rendered = await renderDashboards(root);
  const stale: string[] = [];
  for (const [file, text] of Object.entries(rendered)) {
    const path = join(dir, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(path, text);
  }
  const extra = readdirSync(dir).filter((f) => f.endsWith('.json') && !(f in rendered));
  if (check) {
    if (stale.length > 0 || extra.length > 0) {
      process.stderr.write(
        `${DASHBOARDS_DIR} is not what scripts/dashboards generates: ` +
          `${[...stale.map((f) => `${f} differs`), ...extra.map((f) => `${f} has no generator`)].join(', ')}. ` +
          'Run `npm run dashboards`.\n',
      );
      return 1;
    }
    process.stdout.write(`${Object.keys(rendered).length} dashboards match their generator\n`);
    return 0;
  }
  process.stdout.write(`wrote ${Object.keys(rendered).join(', ')} to ${DASHBOARDS_DIR}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dashboards: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
