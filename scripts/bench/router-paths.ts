import type { BudgetService, CallQuote } from '@switchboard/budget';
import type { Config } from '@switchboard/config';
import {
  LlmRouter,
  ProviderGate,
  createAdapter,
  estimateMessageTokens,
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

/** The budget side of the rig: the real service, and a tenant that has one pool. */
export interface RigBudget {
  service: BudgetService;
  tenantId: string;
}

/** The four ways to reach the fake OpenAI server that the router leg compares. */
export interface RouterRig {
  /** The baseline: the official SDK, configured as the adapter configures it. */
  client: OpenAI;
  /** The router's own adapter for the fake provider (SDK call plus normalisation). */
  adapter: ProviderAdapter;
  router: LlmRouter;
  /** The same router with budgets: its calls are the pool tenant's, so each one reserves. */
  budgeted: LlmRouter;
  /** A gate that asks Redis on every acquire (no LLM_GATE_CACHE_MS), to time that step. */
  uncachedGate: ProviderGate;
  redis: Redis;
  budget: RigBudget;
  /** What the fake model's calls are quoted at (its catalogue prices). */
  quote: CallQuote;
  /** Calls made through either router so far; each must leave exactly one invocation row. */
  routed: number;
}

/**
 * Routers built as LlmService builds them, from the catalogue in LLM_CATALOGUE_FILE, with the
 * real provider gate on the shared Redis client (under the leg's prefix, trusting a closed
 * circuit for LLM_GATE_CACHE_MS) and the real invocation log; no health monitor, so every
 * provider counts as healthy. One has no budget, the other the real BudgetService.
 */
export function buildRouterRig(
  config: Config,
  redis: Redis,
  invocations: InvocationSink,
  budget: RigBudget,
): RouterRig {
  const llm = config.llm;
  const catalogue = loadCatalogue(llm, {});
  const adapters = new Map(
    [...catalogue.providers.values()].map((p) => [p.name, createAdapter(p, llm)]),
  );
  const gateArgs = [redis, config.redis.prefix, llm.breaker, llm.requestTimeoutMs] as const;
  const gate = new ProviderGate(...gateArgs, llm.gateCacheMs);
  const noneUnhealthy = new Set<string>();
  const deps = { catalogue, adapters, gate, invocations, config: llm };
  const unhealthy = () => noneUnhealthy;
  const router = new LlmRouter({ ...deps, unhealthy });
  const budgeted = new LlmRouter({ ...deps, unhealthy, budget: budget.service });
  const provider = catalogue.provider(FAKE_PROVIDER);
  const prices = catalogue.models.find((m) => m.id === FAKE_MODEL)?.prices;
  if (!prices) throw new Error(`the bench catalogue has no price for ${FAKE_MODEL}`);
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
    budgeted,
    uncachedGate: new ProviderGate(...gateArgs),
    redis,
    budget,
    quote: { inputTokens: estimateMessageTokens(MESSAGES), maxTokens: MAX_TOKENS, prices },
    routed: 0,
  };
}

/** As JobRunner routes a chat job's calls: its tier, its abort signal, its ids for the log. */
function jobRouting(tenantId: string = randomUUID()): LlmRouting {
  const jobId = randomUUID();
  return {
    tier: 1,
    privacy: false,
    signal: new AbortController().signal,
    job: { jobId, tenantId, role: 'chat', traceId: jobId },
  };
}

function expectText(path: string, text: string | null | undefined): void {
  if (!text) throw new Error(`${path}: the fake server answered with no text`);
}

export type CallPath = 'direct' | 'adapter' | 'router' | 'budgeted';

/** A chat call through one of the rig's routers, as the `router` and `budgeted` paths make it. */
function routedChat(rig: RouterRig, router: LlmRouter, routing: LlmRouting, path: CallPath) {
  return async () => {
    rig.routed++;
    const response = await router.chat({ messages: MESSAGES, maxTokens: MAX_TOKENS }, routing);
    expectText(path, response.text);
  };
}

/** The same for streams: read to the last event. */
function routedStream(rig: RouterRig, router: LlmRouter, routing: LlmRouting, path: CallPath) {
  return async () => {
    rig.routed++;
    let text = '';
    const request = { messages: MESSAGES, maxTokens: MAX_TOKENS };
    for await (const event of router.stream(request, routing)) {
      if (event.type === 'done') text = event.response.text;
    }
    expectText(`${path} stream`, text);
  };
}

export function chatPaths(rig: RouterRig): TimedPath<CallPath>[] {
  const routing = jobRouting();
  const budgeted = jobRouting(rig.budget.tenantId);
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
    { name: 'router', call: routedChat(rig, rig.router, routing, 'router') },
    { name: 'budgeted', call: routedChat(rig, rig.budgeted, budgeted, 'budgeted') },
  ];
}

export function streamPaths(rig: RouterRig): TimedPath<CallPath>[] {
  const routing = jobRouting();
  const budgeted = jobRouting(rig.budget.tenantId);
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
          else if (chunk.type === 'done') done = chunk.usage !== null;
        }
        expectText('adapter stream', done ? text : '');
      },
    },
    { name: 'router', call: routedStream(rig, rig.router, routing, 'router') },
    { name: 'budgeted', call: routedStream(rig, rig.budgeted, budgeted, 'budgeted') },
  ];
}

export type RedisPath = 'ping' | 'acquire' | 'budget';

/**
 * The awaited Redis steps on their own, on the same client: the gate's acquire (one EVALSHA),
 * a budget reservation and its settlement (two), and a bare PING. The settlement counts 0 µ$,
 * as for a call that failed before serving, so the pool still matches the invocation log.
 */
export function redisPaths(rig: RouterRig): TimedPath<RedisPath>[] {
  const subject = { tenantId: rig.budget.tenantId, apiKeyId: null, jobId: randomUUID() };
  return [
    { name: 'ping', call: async () => void (await rig.redis.ping()) },
    {
      name: 'acquire',
      call: async () => {
        const ticket = await rig.uncachedGate.acquire(FAKE_PROVIDER);
        if (!ticket.allowed) throw new Error(`the gate refused the fake provider: ${ticket.state}`);
      },
    },
    {
      name: 'budget',
      call: async () => {
        const held = await rig.budget.service.reserve(subject, rig.quote);
        if (!held.ok || !held.reservation) throw new Error('the bench pool held nothing');
        await rig.budget.service.settle(held.reservation, 0);
      },
    },
  ];
}
