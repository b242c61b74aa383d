import { type BudgetPool, type CallQuote, type NewBudgetPool } from '@switchboard/budget';
import { RateLimiterService } from '@switchboard/auth';
import { loadConfig } from '@switchboard/config';
import { ProviderGate } from '@switchboard/llm';
import { keySlot } from '@switchboard/redis';
import { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createBudgetKit, type BudgetKit } from '../support/budget-kit';
import { TEST_REDIS_URL } from '../support/test-services';
import { waitUntil } from '../support/worker-kit';

// Redis Cluster runs a script only on the node of its KEYS' slot, and a script must touch
// only the keys it declares. This suite runs every Lua script of the repo through its real
// callers on the standalone Redis while a MONITOR connection records, for each EVAL/EVALSHA,
// the commands the script ran inside it ("lua" source, atomic, so they follow their EVALSHA
// line without interleaving). Each touched key (COMMAND GETKEYS, as Redis itself reads it)
// must be among that call's KEYS, and all its KEYS must hash to one Cluster slot.
//
// SCRIPTS lists every script, by the file and export that holds its Lua. A Lua script
// anywhere under libs/ or apps/ that is not listed fails the first test; a listed one the
// scenarios never ran fails the last.

const ROOT = join(__dirname, '..', '..');

const SCRIPTS: Record<string, string[]> = {
  'libs/budget/src/budget.scripts.ts': [
    'RESERVE_SCRIPT',
    'SETTLE_SCRIPT',
    'SWEEP_SCRIPT',
    'LEARN_FACTOR_SCRIPT',
    'SET_SPENT_SCRIPT',
  ],
  'libs/auth/src/rate-limit.script.ts': ['RATE_LIMIT_SCRIPT'],
  'libs/llm/src/router/provider-gate.scripts.ts': [
    'ACQUIRE_SCRIPT',
    'RECORD_SCRIPT',
    'COOLDOWN_SCRIPT',
  ],
};

const PRICES = { input: 1_000_000, output: 2_000_000, cachedInput: 100_000 };
const QUOTE: CallQuote = { inputTokens: 100, maxTokens: 200, prices: PRICES, model: 'm-lua' };

interface ScriptCall {
  sha: string;
  keys: string[];
  /** What the script ran, as [command, ...args]. */
  inner: string[][];
}

/** TypeScript sources under libs/ and apps/ (tests excluded). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every exported string holding Lua (it calls redis.call or redis.pcall), per file. */
async function scriptsInRepo(): Promise<Map<string, Map<string, string>>> {
  const found = new Map<string, Map<string, string>>();
  for (const path of [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps'))]) {
    const text = readFileSync(path, 'utf8');
    if (!/redis\.p?call\s*\(/.test(text)) continue;
    const module = (await import(path)) as Record<string, unknown>;
    const lua = new Map<string, string>();
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'string' && /redis\.p?call\s*\(/.test(value)) lua.set(name, value);
    }
    // Lua that is not an exported constant cannot be listed below: make it one.
    if (lua.size === 0) throw new Error(`${relative(ROOT, path)} holds Lua no export names`);
    found.set(relative(ROOT, path), lua);
  }
  return found;
}

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex');

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8 };

/** The bytes of an argument as MONITOR printed it (Redis's sdscatrepr, quotes removed). */
function unquote(printed: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < printed.length; i += 1) {
    const c = printed[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
    } else if (printed[i + 1] === 'x') {
      bytes.push(parseInt(printed.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      const next = printed[i + 1];
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

describe('Lua scripts declare every key they touch, all in one slot', () => {
  let kit: BudgetKit;
  let monitor: Redis;
  let probe: Redis;
  let prefix: string;
  const calls: ScriptCall[] = [];
  /** sha1 → "file#EXPORT" */
  const listed = new Map<string, string>();

  beforeAll(async () => {
    kit = await createBudgetKit('lua-keys-int-spec', {
      BUDGET_POOL_CACHE_MS: '0',
      BUDGET_MIN_OUTPUT_TOKENS: '16',
    });
    prefix = kit.config.redis.prefix;
    probe = new Redis(TEST_REDIS_URL);
    // monitor() opens a connection of its own, in monitor mode, with probe's options.
    monitor = await probe.monitor();
    let current: ScriptCall | null = null;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') {
        current?.inner.push(args);
        return;
      }
      current = null;
      const command = args[0]?.toLowerCase();
      if (command !== 'eval' && command !== 'evalsha') return;
      const keys = args.slice(3, 3 + Number(args[2]));
      if (!keys.some((k) => k.startsWith(prefix))) return; // another suite's script
      // ioredis sends EVAL with the text after a NOSCRIPT; MONITOR quotes it (sdscatrepr).
      const sha = command === 'eval' ? sha1(unquote(args[1])) : args[1].toLowerCase();
      current = { sha, keys, inner: [] };
      calls.push(current);
    });
  });

  afterAll(async () => {
    monitor?.disconnect();
    probe?.disconnect();
    await kit?.close();
  });

  it('lists every Lua script in libs/ and apps/', async () => {
    const found = await scriptsInRepo();
    const inRepo = [...found].flatMap(([file, lua]) => [...lua.keys()].map((n) => `${file}#${n}`));
    const inTable = Object.entries(SCRIPTS).flatMap(([file, names]) =>
      names.map((n) => `${file}#${n}`),
    );
    expect(inRepo.sort()).toEqual(inTable.sort());
    for (const [file, lua] of found) {
      for (const [name, text] of lua) listed.set(sha1(text), `${file}#${name}`);
    }
  });

  it('runs the budget scripts through reserve, settle, expiry, the sweep and repair', async () => {
    const { budget, pools } = kit;
    const tenantId = await kit.tenant();
    const apiKeyId = await kit.apiKey(tenantId);
    const pool = (input: Omit<NewBudgetPool, 'period'>): Promise<BudgetPool> =>
      pools.create({ period: input.scope === 'job' ? 'lifetime' : 'daily', ...input });
    const tenantPool = await pool({ tenantId, scope: 'tenant', limitMicros: 100_000 });
    await pool({ tenantId, scope: 'api_key', apiKeyId, limitMicros: 100_000 });
    await pool({ tenantId, scope: 'job', limitMicros: 100_000 });
    const jobId = randomUUID();
    const subject = { tenantId, apiKeyId, jobId };

    // Reserve and settle with a journaled answer, an invocation row and an input overrun.
    const held = await budget.reserve(subject, QUOTE, { id: randomUUID(), row: '{"n":1}' });
    if (!held.ok) throw new Error('refused');
    await budget.settle(held.reservation, 321, {
      row: '{"n":1}',
      journal: { key: `${prefix}:journal:${jobId}`, field: '0', value: '{}', ttlMs: 60_000 },
      inputTokens: 150,
    });

    // Reservations that expire: one charged by the next reserve, two by the sweep, one of
    // them settled late (its charge corrected).
    const shortLived = kit.serviceWith(
      loadConfig({ ...kit.env.env, BUDGET_RESERVATION_TTL_MS: '500' }),
    );
    const lost = await shortLived.reserve(subject, QUOTE, { id: randomUUID(), row: '{"n":2}' });
    if (!lost.ok) throw new Error('refused');
    await waitUntil(async () => {
      const next = await budget.reserve({ tenantId }, QUOTE);
      if (!next.ok) throw new Error('refused');
      await budget.settle(next.reservation, 0);
      return (await budget.statusOf(tenantPool)).reservedMicros === 0;
    }, 'the next reserve to charge the expired hold');
    const late = await shortLived.reserve(subject, QUOTE);
    await shortLived.reserve({ tenantId, apiKeyId }, QUOTE);
    let swept = 0;
    await waitUntil(async () => (swept += await budget.sweepExpired()) >= 2, 'the sweep');
    if (!late.ok) throw new Error('refused');
    await budget.settle(late.reservation, 7);

    // The reconciler's repair.
    const status = await budget.statusOf(tenantPool);
    expect(
      await budget.setSpent(tenantPool, status.periodKey, 1_234, null, status.spentMicros),
    ).toBe(true);
    // A refusal.
    const tiny = await kit.tenant();
    await pool({ tenantId: tiny, scope: 'tenant', limitMicros: 10 });
    expect((await budget.reserve({ tenantId: tiny }, QUOTE)).ok).toBe(false);
  });

  it('runs the rate limit script', async () => {
    const limiter = new RateLimiterService(kit.redis, kit.config);
    for (let i = 0; i < 3; i += 1) expect((await limiter.consume('lua-key')).allowed).toBe(true);
  });

  it('runs the provider gate scripts: open, cool down, probe half-open, close', async () => {
    const breaker = {
      failures: 2,
      failureRate: 1,
      minCalls: 100,
      windowMs: 10_000,
      cooldownMs: 200,
    };
    const gate = new ProviderGate(kit.redis, prefix, breaker, 5_000);
    expect(await gate.acquire('p')).toMatchObject({ allowed: true });
    await gate.record('p', 'fail', false);
    expect(await gate.record('p', 'fail', false)).toBe('open');
    await gate.coolDown('q', 10_000);
    expect(await gate.acquire('q')).toMatchObject({ allowed: false, state: 'cooldown' });
    let probe: Awaited<ReturnType<ProviderGate['acquire']>> | undefined;
    await waitUntil(async () => (probe = await gate.acquire('p')).allowed, 'the half-open probe');
    expect(probe).toMatchObject({ state: 'probe' });
    expect(await gate.record('p', 'ok', true)).toBe('closed');
    await gate.record('p', 'release', false);
  });

  it('saw each script touch only its own KEYS, all in one slot', async () => {
    await waitUntil(async () => {
      // A marker script ends the recording: everything before it has been received.
      const marker = `${prefix}:lua-keys:marker`;
      await probe.eval(`return redis.call('EXISTS', KEYS[1])`, 1, marker);
      return calls.some((c) => c.keys[0] === marker);
    }, 'the monitor to catch up');
    const ran = new Set<string>();
    const getKeys = new Map<string, string[]>();
    for (const call of calls) {
      const name = listed.get(call.sha);
      if (call.keys[0] === `${prefix}:lua-keys:marker`) continue;
      // A script not listed (nor found in the sources) fails here, with what it touched.
      const seen = { sha: call.sha, keys: call.keys, inner: call.inner.slice(0, 3), name };
      expect(seen).toEqual({ ...seen, name: expect.any(String) });
      ran.add(name!);
      const slots = new Set(call.keys.map(keySlot));
      expect({ name, slots: slots.size }).toEqual({ name, slots: 1 });
      for (const command of call.inner) {
        const touched = await keysOf(probe, command, getKeys);
        const undeclared = touched.filter((k) => !call.keys.includes(k));
        expect({ name, command: command[0], undeclared }).toEqual({
          name,
          command: command[0],
          undeclared: [],
        });
      }
    }
    expect([...ran].sort()).toEqual([...new Set(listed.values())].sort());
  });
});

/** The keys of a command as Redis reads them (COMMAND GETKEYS); none for a keyless one. */
async function keysOf(
  redis: Redis,
  [name, ...args]: string[],
  cache: Map<string, string[]>,
): Promise<string[]> {
  const id = JSON.stringify([name, ...args]);
  const known = cache.get(id);
  if (known) return known;
  const [info] = (await redis.call('COMMAND', 'INFO', name)) as [unknown[]];
  const firstKey = Number(info[3]);
  const keys =
    firstKey === 0 ? [] : ((await redis.call('COMMAND', 'GETKEYS', name, ...args)) as string[]);
  cache.set(id, keys);
  return keys;
}
