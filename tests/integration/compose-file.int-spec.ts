import Ajv, { type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_MAILBOXES } from '@switchboard/catalogue';
import { loadConfig } from '@switchboard/config';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';

// docker-compose.prod.yml, checked without a Docker engine: against the Compose Specification
// schema (vendored as deploy/compose-spec.schema.json, from compose-spec/compose-spec), and
// against the rules of docs/operations.md: limits, health checks, restart policies, named
// volumes, isolated networks, secrets only in env files, and every variable set for
// Switchboard known to the config schema and to .env.example.
const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Service = Record<string, any>;
// Compose resolves YAML merge keys (`<<: *anchor`); so does this load.
const compose = load(read('docker-compose.prod.yml'), {
  schema: CORE_SCHEMA.withTags(mergeTag),
}) as Record<string, any>;
const services = compose.services as Record<string, Service>;
const names = Object.keys(services);
const isSwitchboard = (s: Service) => String(s.image).startsWith('${SWITCHBOARD_IMAGE');
const switchboard = names.filter((n) => isSwitchboard(services[n]));
const workers = names.filter((n) => n.startsWith('worker-'));

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(read('deploy/compose-spec.schema.json'));
  // It names draft-07 by its https URL, which Ajv knows under the http one: the same draft.
  expect(schema.$schema).toBe('https://json-schema.org/draft-07/schema');
  const draft07 = { ...schema, $schema: 'http://json-schema.org/draft-07/schema#' };
  compiled = new Ajv({ strict: false, allErrors: true }).compile(draft07);
  return compiled;
}

/** Environment variable names the zod schemas of libs/config declare (`NAME: z...`). */
function configVariables(): Set<string> {
  const dir = join(ROOT, 'libs/config/src');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.config.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(m[1]);
  }
  return names;
}

/** Variables .env.example documents, set or commented out (`# NAME=`). */
function exampleVariables(): Set<string> {
  return new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
}

describe('docker-compose.prod.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = validator();
    expect(validate(compose)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('would be refused by that schema with a misspelt key (the check has teeth)', () => {
    const validate = validator();
    const broken = structuredClone(compose);
    broken.services.redis.helthcheck = broken.services.redis.healthcheck;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.params?.additionalProperty === 'helthcheck')).toBe(true);
  });

  it('runs the API in two colours, the worker pools, and the services around them', () => {
    expect(names.sort()).toEqual(
      [
        'api-blue',
        'api-green',
        'grafana',
        'migrate',
        'nginx',
        'ollama',
        'postgres',
        'postgres-exporter',
        'prometheus',
        'qdrant',
        'redis',
        'redis-exporter',
        'worker-browser',
        'worker-t0',
        'worker-t12',
        'worker-t3',
      ].sort(),
    );
    expect(services['api-blue'].command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(services['api-green'].command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(services.migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    for (const w of workers) expect(services[w].command).toBeUndefined();
    // The tier-0 pool waits for Ollama and shares a network with it.
    expect(services['worker-t0'].depends_on.ollama).toEqual({ condition: 'service_healthy' });
    expect(services['worker-t0'].networks).toEqual(
      expect.arrayContaining(services.ollama.networks),
    );
  });

  it('gives every service resource limits, a health check and a restart policy', () => {
    for (const name of names) {
      const s = services[name];
      const limits = s.deploy?.resources?.limits;
      expect({ name, cpus: typeof limits?.cpus, memory: typeof limits?.memory }).toEqual({
        name,
        cpus: 'string',
        memory: 'string',
      });
      expect({ name, restart: s.restart }).toEqual({
        name,
        restart: name === 'migrate' ? 'no' : 'unless-stopped',
      });
      if (name === 'migrate') expect(s.healthcheck).toEqual({ disable: true });
      else expect({ name, test: Array.isArray(s.healthcheck?.test) }).toEqual({ name, test: true });
    }
    // Workers answer their health check on the METRICS_PORT they are given.
    for (const w of workers) {
      expect(services[w].environment.METRICS_PORT).toBe('9464');
      expect(services[w].healthcheck.test.join(' ')).toContain('127.0.0.1:9464/metrics');
    }
  });

  it('keeps state in named volumes, and mounts only config files from the host, read-only', () => {
    const declared = Object.keys(compose.volumes);
    const used = new Set<string>();
    for (const name of names) {
      for (const v of (services[name].volumes ?? []) as string[]) {
        const [source, , mode] = v.split(':');
        if (source.startsWith('.')) expect({ name, v, mode }).toEqual({ name, v, mode: 'ro' });
        else {
          expect(declared).toContain(source);
          used.add(source);
        }
      }
    }
    expect([...used].sort()).toEqual([...declared].sort());
    // The stateless ones (the APIs, the one-off migration, the exporters) are the only ones without.
    const stateless = ['api-blue', 'api-green', 'migrate', 'redis-exporter', 'postgres-exporter'];
    const stateful = names.filter((n) => !stateless.includes(n));
    for (const name of stateful) {
      const own = ((services[name].volumes ?? []) as string[]).filter((v) => !v.startsWith('.'));
      expect({ name, named: own.length > 0 }).toEqual({ name, named: true });
    }
  });

  it('isolates the networks: data has no route out, and only nginx is on the edge', () => {
    expect(compose.networks.data).toEqual({ internal: true });
    for (const store of ['redis', 'postgres', 'qdrant'])
      expect(services[store].networks).toEqual(['data']);
    expect(services.nginx.networks).toEqual(['edge']);
    const edge = names.filter((n) => (services[n].networks as string[]).includes('edge'));
    expect(edge.sort()).toEqual(['api-blue', 'api-green', 'nginx']);
    // Published: nginx to the world; Prometheus and Grafana to the host's loopback only.
    const published = names.filter((n) => services[n].ports);
    expect(published.sort()).toEqual(['grafana', 'nginx', 'prometheus']);
    expect(services.prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(services.grafana.ports).toEqual(['127.0.0.1:3001:3000']);
  });

  it('runs Redis with AOF on and no eviction', () => {
    const command = (services.redis.command as string[]).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('starts the APIs and workers only after the migration succeeded', () => {
    for (const name of switchboard.filter((n) => n !== 'migrate')) {
      expect({ name, migrate: services[name].depends_on?.migrate }).toEqual({
        name,
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('takes secrets from env files whose templates are committed, never from the file itself', () => {
    const secrets = ['REDIS_URL', 'DATABASE_URL', 'ADMIN_TOKEN', 'BUDGET_WEBHOOK_SECRET'];
    for (const name of switchboard) {
      expect(services[name].env_file).toEqual([
        { path: './deploy/env/switchboard.env', required: true },
      ]);
      for (const key of secrets) expect(services[name].environment).not.toHaveProperty(key);
    }
    for (const name of names) {
      for (const entry of (services[name].env_file ?? []) as { path: string }[]) {
        // switchboard.env is a copy of .env.example; the others have their own template.
        const template = entry.path.endsWith('/switchboard.env')
          ? '.env.example'
          : `${entry.path}.example`;
        expect({ name, template, exists: existsSync(join(ROOT, template)) }).toEqual({
          name,
          template,
          exists: true,
        });
      }
    }
    expect(read('deploy/.gitignore')).toContain('env/*.env');
  });

  it('sets for Switchboard only variables the config schema and .env.example know', () => {
    const known = configVariables();
    // The scan must see the schemas (guards against a layout change making it vacuous).
    for (const v of ['REDIS_URL', 'WORKER_POOLS', 'METRICS_PORT', 'MCP_WORKSPACE_ROOT'])
      expect(known).toContain(v);
    const documented = exampleVariables();
    for (const name of switchboard) {
      const env = services[name].environment as Record<string, string>;
      for (const key of Object.keys(env)) {
        expect({ name, key, inSchema: known.has(key) }).toEqual({ name, key, inSchema: true });
        expect({ name, key, inExample: documented.has(key) }).toEqual({
          name,
          key,
          inExample: true,
        });
      }
      // And the values pass the config schema, with the env file's secrets filled in.
      const secrets = {
        REDIS_URL: 'redis://:password@redis:6379',
        DATABASE_URL: 'postgres://switchboard:password@postgres:5432/switchboard',
        ADMIN_TOKEN: 'a-production-admin-token',
      };
      expect(() => loadConfig({ ...secrets, ...env })).not.toThrow();
    }
  });

  it('documents in .env.example every variable the config schema declares', () => {
    const documented = exampleVariables();
    const missing = [...configVariables()].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
  });

  it('serves every mailbox from exactly one pool, and browser jobs only from the browser pool', () => {
    const entry = /^([a-z0-9.*]+)(?::(\d+))?(?:@(\d+)\/(\d+)ms)?$/;
    const served = new Map<string, string[]>();
    for (const w of workers) {
      const taken = new Set<string>();
      for (const part of (services[w].environment.WORKER_POOLS as string).split(',')) {
        const m = entry.exec(part);
        expect({ w, part, readable: m !== null }).toEqual({ w, part, readable: true });
        const pattern = new RegExp(
          `^${m![1]
            .split('*')
            .map((p) => p.replace(/\./g, '\\.'))
            .join('[^.]*')}$`,
        );
        const mailboxes = ALL_MAILBOXES.filter((mb) => pattern.test(mb) && !taken.has(mb));
        expect({ w, part, matches: mailboxes.length > 0 }).toEqual({ w, part, matches: true });
        for (const mb of mailboxes) {
          taken.add(mb);
          served.set(mb, [...(served.get(mb) ?? []), w]);
        }
      }
    }
    for (const mailbox of ALL_MAILBOXES) {
      const pools = served.get(mailbox) ?? [];
      const expected = mailbox.startsWith('agent.browser.') ? ['worker-browser'] : pools;
      expect({ mailbox, pools }).toEqual({ mailbox, pools: expected });
      expect({ mailbox, count: pools.length }).toEqual({ mailbox, count: 1 });
    }
    // Tier 3 is rate-limited in every entry of its pool.
    for (const part of (services['worker-t3'].environment.WORKER_POOLS as string).split(','))
      expect(part).toMatch(/@\d+\/\d+ms$/);
  });
});
