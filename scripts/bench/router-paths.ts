import type { Config } from '@switchboard/config';
import {
  LlmRouter,
  ProviderGate,
  createAdapter,
  loadCatalogue,
  type InvocationSink,
  type LlmRouting,
  type ProviderAdapter,
} from '@switchboard/llm';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { OpenAI } from 'openai';
import { CHAT_INPUT } from './chat-job.fixture';
import { FAKE_MODEL, FAKE_PROVIDER } from './fake-openai';
import type { TimedPath } from './interleaved-timing';

/** The same request on every path; the fake's answer (8 tokens) stays well under it. */
const MAX_TOKENS = 256;
const MESSAGES = CHAT_INPUT.messages;
/**
 * The adapter needs a signal. A fresh one per call, as the router passes its per-attempt
 * deadline's: a single long-lived signal would collect one abort listener per request.
 */
const callSignal = () => new AbortController().signal;

/** The three ways to reach the fake OpenAI server that the router leg compares. */
export interface RouterRig {
  /** The baseline: the official SDK, configured as the adapter configures it. */
  client: OpenAI;
  /** The router's own adapter for the fake provider (SDK call plus normalisation). */
  adapter: ProviderAdapter;
  router: LlmRouter;
  gate: ProviderGate;
  redis: Redis;
  /** Calls made through the router so far; each must leave exactly one invocation row. */
  routed: number;
}

/**
 * A router built as LlmService builds it, from the catalogue in LLM_CATALOGUE_FILE, with the
 * real provider gate on the shared Redis client (under the leg's prefix) and the real
 * invocation log; no health monitor, so every provider counts as healthy.
 */
export function buildRouterRig(
  config: Config,
  redis: Redis,
  invocations: InvocationSink,
): RouterRig {
  const llm = config.llm;
  const catalogue = loadCatalogue(llm, {});
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, llm)]),
  );
  const gate = new ProviderGate(redis, config.redis.prefix, llm.breaker, llm.requestTimeoutMs);
  const noneUnhealthy = new Set<string>();
  const router = new LlmRouter({
    catalogue,
    adapters,
    gate,
    invocations,
    config: llm,
    unhealthy: () => noneUnhealthy,
  });
  const provider = catalogue.provider(FAKE_PROVIDER);
  const client = new OpenAI({
    apiKey: 'no-key',
    baseURL: provider.baseURL ?? null,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: 10 * 60_000,
  });
  return {
    client,
    adapter: adapters.get(FAKE_PROVIDER) as ProviderAdapter,
    router,
    gate,
    redis,
    routed: 0,
  };
}

/** As JobRunner routes a chat job's calls: its tier, its abort signal, its ids for the log. */
function jobRouting(): LlmRouting {
  const jobId = randomUUID();
  return {
    tier: 1,
    privacy: false,
    signal: new AbortController().signal,
    job: { jobId, tenantId: randomUUID(), role: 'chat', traceId: jobId },
  };
}

function expectText(path: string, text: string | null | undefined): void {
  if (!text) throw new Error(`${path}: the fake server answered with no text`);
}

export type CallPath = 'direct' | 'adapter' | 'router';

export function chatPaths(rig: RouterRig): TimedPath<CallPath>[] {
  const routing = jobRouting();
  return [
    {
      name: 'direct',
      call: async () => {
        const completion = await rig.client.chat.completions.create({
          model: FAKE_MODEL,
          messages: MESSAGES,
          max_tokens: MAX_TOKENS,
          stream: false,
        });
        expectText('direct', completion.choices[0]?.message.content);
      },
    },
    {
      name: 'adapter',
      call: async () => {
        const result = await rig.adapter.chat({
          model: FAKE_MODEL,
          messages: MESSAGES,
          maxTokens: MAX_TOKENS,
          signal: callSignal(),
        });
        expectText('adapter', result.text);
      },
    },
    {
      name: 'router',
      call: async () => {
        rig.routed++;
        const response = await rig.router.chat(
          { messages: MESSAGES, maxTokens: MAX_TOKENS },
          routing,
        );
        expectText('router', response.text);
      },
    },
  ];
}

export function streamPaths(rig: RouterRig): TimedPath<CallPath>[] {
  const routing = jobRouting();
  const call = { model: FAKE_MODEL, messages: MESSAGES, maxTokens: MAX_TOKENS };
  return [
    {
      name: 'direct',
      call: async () => {
        const stream = await rig.client.chat.completions.create({
          model: FAKE_MODEL,
          messages: MESSAGES,
          max_tokens: MAX_TOKENS,
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = '';
        let usage = false;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta?.content ?? '';
          usage ||= Boolean(chunk.usage);
        }
        expectText('direct stream', usage ? text : '');
      },
    },
    {
      name: 'adapter',
      call: async () => {
        let text = '';
        let done = false;
        for await (const chunk of rig.adapter.stream({ ...call, signal: callSignal() })) {
          if (chunk.type === 'delta') text += chunk.text;
          else done = chunk.usage !== null;
        }
        expectText('adapter stream', done ? text : '');
      },
    },
    {
      name: 'router',
      call: async () => {
        rig.routed++;
        let text = '';
        for await (const event of rig.router.stream(
          { messages: MESSAGES, maxTokens: MAX_TOKENS },
          routing,
        )) {
          if (event.type === 'done') text = event.response.text;
        }
        expectText('router stream', text);
      },
    },
  ];
}

/** What the gate's awaited step costs: one EVALSHA, next to a bare PING on the same client. */
export function redisPaths(rig: RouterRig): TimedPath<'ping' | 'acquire'>[] {
  return [
    { name: 'ping', call: async () => void (await rig.redis.ping()) },
    {
      name: 'acquire',
      call: async () => {
        const ticket = await rig.gate.acquire(FAKE_PROVIDER);
        if (!ticket.allowed) throw new Error(`the gate refused the fake provider: ${ticket.state}`);
      },
    },
  ];
}
