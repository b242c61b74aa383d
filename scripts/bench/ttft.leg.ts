import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAI } from 'openai';
import { openSse, type SseConnection } from '../../tests/support/sse-client';
import { createTenantKey } from './api-admin';
import { withApiProcess, type ApiProcess } from './api-process';
import { progress } from './bench-output';
import { platformEnv, type BenchSettings, type LegScope } from './bench-settings';
import { CHAT_BODY, CHAT_INPUT } from './chat-job.fixture';
import { deferCleanup } from './exit-cleanup';
import { benchCatalogue, FAKE_MODEL } from './fake-openai';
import { startFakeOpenAiProcess } from './fake-openai-process';
import { summarize, type LatencySummary } from './latency-stats';
import { withLegScope } from './leg-isolation';
import { processMemory } from './proc-memory';
import { withWorkerProcess } from './worker-process';

/** Tokens per answer and the fake's pause between them in the time-to-first-token part. */
const TTFT_TOKENS = 8;
const TTFT_TOKEN_DELAY_MS = 2;
const TTFT_WARM_UP = 10;
const TTFT_ROUND_SIZE = 10;
/** The subscriber part: answers long enough (~6 s) for every connection to join mid-stream. */
const FANOUT_TOKEN_DELAY_MS = 20;
const FANOUT_JOBS = 4;
const SAMPLE_EVERY_MS = 100;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

export interface TtftLegResult {
  /** Time to the first content delta: the SDK streaming straight from the fake. */
  direct: LatencySummary;
  /** Time from just before POST /v1/jobs to the first `token` event on GET /v1/jobs/:id/events. */
  switchboard: LatencySummary;
  tokenDelayMs: number;
  /** STREAM_COALESCE_MS as the worker ran with it (the apps' default unless set). */
  coalesceMs: string;
  fanout: FanoutResult;
}

export interface FanoutResult {
  subscribers: number;
  jobs: number;
  tokensPerJob: number;
  /** Subscribers whose token events concatenate to the whole answer, then `end`. */
  complete: number;
  /** Wall time from the first submit to the last subscriber's `end`. */
  windowMs: number;
  /** Time to open every connection (response headers received). */
  connectMs: number;
  apiRssBefore: number | undefined;
  apiRssAfter: number | undefined;
  /** Highest RSS sampled every 100 ms during the window. */
  apiRssPeak: number | undefined;
  /** API CPU seconds (user + system) during the window. */
  apiCpuS: number | undefined;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * Time to first token through the whole platform (submit → worker → fake OpenAI → Redis →
 * API → SSE client) against the SDK calling the fake directly, then 1,000 SSE subscribers
 * following a few long jobs: the API process's memory and CPU while it fans them out.
 * The fake, the API and the worker are all child processes, as in production.
 */
export async function ttftLeg(settings: BenchSettings): Promise<TtftLegResult> {
  const jobs = positiveInt('BENCH_TTFT_JOBS', 200);
  const subscribers = positiveInt('BENCH_SSE_SUBSCRIBERS', 1000);
  const fanoutTokens = positiveInt('BENCH_SSE_TOKENS', 300);
  return withLegScope(settings, 'ttft', true, async (scope) => {
    const timed = await withStack(settings, scope, TTFT_TOKENS, TTFT_TOKEN_DELAY_MS, (stack) =>
      timeTtft(stack, jobs),
    );
    const fanout = await withStack(settings, scope, fanoutTokens, FANOUT_TOKEN_DELAY_MS, (stack) =>
      fanOut(stack, subscribers, fanoutTokens),
    );
    return {
      ...timed,
      tokenDelayMs: TTFT_TOKEN_DELAY_MS,
      coalesceMs: process.env.STREAM_COALESCE_MS || 'default',
      fanout,
    };
  });
}

interface Stack {
  fakeUrl: string;
  api: ApiProcess;
  key: string;
}

/** A fake OpenAI process, a catalogue naming it, the API and a worker reading that catalogue. */
async function withStack<T>(
  settings: BenchSettings,
  scope: LegScope,
  tokens: number,
  tokenDelayMs: number,
  body: (stack: Stack) => Promise<T>,
): Promise<T> {
  const fake = await startFakeOpenAiProcess(tokens, tokenDelayMs);
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-ttft-'));
  const release = deferCleanup('ttft fake openai', async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const catalogueFile = join(dir, 'llm-catalogue.json');
    writeFileSync(catalogueFile, JSON.stringify(benchCatalogue(fake.url)));
    const env = {
      ...platformEnv(settings, scope, 'warn'),
      LLM_CATALOGUE_FILE: catalogueFile,
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...(process.env.STREAM_COALESCE_MS
        ? { STREAM_COALESCE_MS: process.env.STREAM_COALESCE_MS }
        : {}),
    };
    return await withApiProcess(env, (api) =>
      withWorkerProcess({ ...env, WORKER_POOLS: 'agent.chat.t1:10' }, async () => {
        const { key } = await createTenantKey(
          api.baseUrl,
          settings.adminToken,
          `bench-${scope.schema}-${tokens}`,
        );
        return body({ fakeUrl: fake.url, api, key });
      }),
    );
  } finally {
    await release();
  }
}

async function submit(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.api.baseUrl}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
    body: CHAT_BODY,
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /v1/jobs: ${response.status} ${text}`);
  return String((JSON.parse(text) as { id: string }).id);
}

const follow = (stack: Stack, jobId: string): Promise<SseConnection> =>
  openSse(`${stack.api.baseUrl}/v1/jobs/${jobId}/events?from=0`, {
    authorization: `Bearer ${stack.key}`,
  });

/** Reads to `end`; the concatenated token text, or throws if the stream ended without `end`. */
async function readToEnd(conn: SseConnection, onToken?: () => void): Promise<string> {
  let text = '';
  for (;;) {
    const event = await conn.next();
    if (!event) throw new Error('the event stream ended before `end`');
    if (event.event === 'token') {
      onToken?.();
      text += (JSON.parse(event.data) as { text: string }).text;
    } else if (event.event === 'end') {
      const { status } = JSON.parse(event.data) as { status: string };
      if (status !== 'completed') throw new Error(`job ended ${status}`);
      return text;
    }
  }
}

const answer = (tokens: number) =>
  Array.from({ length: tokens }, (_, i) => `tok${i + 1}`).join(' ');

async function timeTtft(
  stack: Stack,
  jobs: number,
): Promise<{ direct: LatencySummary; switchboard: LatencySummary }> {
  const client = new OpenAI({ baseURL: stack.fakeUrl, apiKey: 'bench', maxRetries: 0 });
  const expected = answer(TTFT_TOKENS);
  const paths = {
    direct: async (): Promise<number> => {
      const started = performance.now();
      const stream = await client.chat.completions.create({
        model: FAKE_MODEL,
        messages: CHAT_INPUT.messages,
        stream: true,
      });
      let first = NaN;
      let text = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content ?? '';
        if (delta && Number.isNaN(first)) first = performance.now() - started;
        text += delta;
      }
      if (text !== expected) throw new Error(`direct stream answered ${JSON.stringify(text)}`);
      return first;
    },
    switchboard: async (): Promise<number> => {
      const started = performance.now();
      const conn = await follow(stack, await submit(stack));
      let first = NaN;
      try {
        const text = await readToEnd(conn, () => {
          if (Number.isNaN(first)) first = performance.now() - started;
        });
        if (text !== expected) throw new Error(`job streamed ${JSON.stringify(text)}`);
      } finally {
        conn.close();
      }
      return first;
    },
  };
  progress(`ttft: ${TTFT_WARM_UP} untimed calls per path, then ${jobs} each, interleaved`);
  for (let i = 0; i < TTFT_WARM_UP; i++) {
    await paths.direct();
    await paths.switchboard();
  }
  const samples = { direct: [] as number[], switchboard: [] as number[] };
  const names = ['direct', 'switchboard'] as const;
  for (let round = 0; samples.switchboard.length < jobs; round++) {
    const size = Math.min(TTFT_ROUND_SIZE, jobs - samples.switchboard.length);
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      for (let i = 0; i < size; i++) samples[name].push(await paths[name]());
    }
  }
  return { direct: summarize(samples.direct), switchboard: summarize(samples.switchboard) };
}

/** utime + stime of a process, in seconds; undefined off Linux. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

async function fanOut(stack: Stack, subscribers: number, tokens: number): Promise<FanoutResult> {
  const pid = stack.api.pid;
  const expected = answer(tokens);
  // Warm the API's SSE path once, so the window does not pay for first-use compilation.
  {
    const conn = await follow(stack, await submit(stack));
    conn.close();
  }
  progress(`ttft: ${subscribers} SSE subscribers on ${FANOUT_JOBS} jobs of ${tokens} tokens`);
  const apiRssBefore = processMemory(pid).rss;
  let apiRssPeak = apiRssBefore;
  const sampler = setInterval(() => {
    const rss = processMemory(pid).rss;
    if (rss !== undefined && (apiRssPeak === undefined || rss > apiRssPeak)) apiRssPeak = rss;
  }, SAMPLE_EVERY_MS);
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  try {
    const jobIds: string[] = [];
    for (let i = 0; i < FANOUT_JOBS; i++) jobIds.push(await submit(stack));
    const conns = await Promise.all(
      Array.from({ length: subscribers }, (_, i) => follow(stack, jobIds[i % FANOUT_JOBS])),
    );
    const connectMs = performance.now() - started;
    const bad = conns.filter((c) => c.status !== 200).length;
    if (bad > 0) throw new Error(`${bad} of ${subscribers} SSE connections were refused`);
    const texts = await Promise.all(
      conns.map((conn) =>
        readToEnd(conn).then(
          (text) => text,
          () => undefined,
        ),
      ),
    );
    const windowMs = performance.now() - started;
    const cpuAfter = cpuSeconds(pid);
    for (const conn of conns) conn.close();
    const complete = texts.filter((text) => text === expected).length;
    progress(`ttft: ${complete}/${subscribers} subscribers got every token`);
    if (complete < subscribers) {
      throw new Error(`only ${complete} of ${subscribers} SSE subscribers got every token`);
    }
    return {
      subscribers,
      jobs: FANOUT_JOBS,
      tokensPerJob: tokens,
      complete,
      windowMs,
      connectMs,
      apiRssBefore,
      apiRssAfter: processMemory(pid).rss,
      apiRssPeak,
      apiCpuS: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    };
  } finally {
    clearInterval(sampler);
  }
}
