import { ALL_MAILBOXES, parseMailbox } from '@switchboard/catalogue';
import type { Registry } from 'prom-client';

/** A registered metric as the bench feeds it: by name, through the registry (no deep imports). */
interface Feedable {
  inc?(labels: Record<string, string>, value?: number): void;
  observe?(labels: Record<string, string>, value: number): void;
  set?(labels: Record<string, string>, value: number): void;
}

const JOB_OUTCOMES = [
  'completed',
  'failed',
  'retrying',
  'timeout',
  'cancelled',
  'deferred',
  'waiting_children',
  'handed_back',
  'stalled',
];
const LLM_KINDS = ['chat', 'stream', 'embed'];
const LLM_OUTCOMES = [
  'ok',
  'failed',
  'failed_over',
  'cancelled',
  'interrupted',
  'stopped',
  'budget_exhausted',
];
const PROVIDERS = ['openai', 'anthropic', 'ollama', 'simulated'];

/** Series in a registry: every sample line (a histogram's buckets, sum and count each count). */
export async function seriesCount(registry: Registry): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.reduce((n, m) => n + m.values.length, 0);
}

/**
 * Fills the process's real metric objects as a busy deployment would: every mailbox with
 * every job outcome (counts, run and queue-wait histograms), then LLM models (calls by kind
 * and outcome, latency histograms, tokens, cost) one at a time until the registry holds
 * `target` series. Returns the number of models added.
 */
export async function populateMetrics(registry: Registry, target: number): Promise<number> {
  const metric = (name: string): Feedable => {
    const found = registry.getSingleMetric(name) as Feedable | undefined;
    if (!found) throw new Error(`${name} is not registered in this process`);
    return found;
  };
  const jobs = metric('switchboard_jobs_total');
  const runs = metric('switchboard_job_run_seconds');
  const waits = metric('switchboard_job_queue_wait_seconds');
  for (const queue of ALL_MAILBOXES) {
    const { role, tier } = parseMailbox(queue) as { role: string; tier: number };
    waits.observe!({ queue }, 0.2);
    for (const outcome of JOB_OUTCOMES) {
      jobs.inc!({ queue, role, tier: String(tier), outcome }, 3);
      runs.observe!({ queue, role, outcome }, 4.2);
    }
  }
  const calls = metric('switchboard_llm_calls_total');
  const durations = metric('switchboard_llm_call_duration_seconds');
  const ttft = metric('switchboard_llm_time_to_first_token_seconds');
  const tokens = metric('switchboard_llm_tokens_total');
  const cost = metric('switchboard_llm_cost_microdollars_total');
  let models = 0;
  while ((await seriesCount(registry)) < target) {
    const provider = PROVIDERS[models % PROVIDERS.length];
    const model = `bench-model-${models}`;
    const tier = String(models % 4);
    for (const kind of LLM_KINDS) {
      for (const outcome of LLM_OUTCOMES) calls.inc!({ provider, model, tier, kind, outcome });
    }
    durations.observe!({ provider, model }, 1.3);
    ttft.observe!({ provider, model }, 0.4);
    for (const direction of ['input', 'output', 'cached']) {
      tokens.inc!({ provider, model, direction }, 100);
    }
    cost.inc!({ provider, model, tier }, 250);
    models++;
  }
  return models;
}
