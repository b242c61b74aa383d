// Queues and workers: mailbox depths by BullMQ state, throughput, wait and run times, stalls,
// the dead-letter sets, and the workers serving each mailbox. Depths come from every API
// process (the same figures from each colour), so they are aggregated with max.
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, promInstant, stat, table, timeSeries } from './panels';

export const QUEUES_WORKERS_UID = 'switchboard-queues';

export function queuesWorkersDashboard(): DashboardBuilder {
  return new DashboardBuilder('Switchboard / Queues and workers')
    .uid(QUEUES_WORKERS_UID)
    .tags(['switchboard', 'queues', 'workers'])
    .description(
      'Mailbox depths, throughput, wait and run times, stalls, dead letters and worker capacity.',
    )
    .withPanel(
      stat(
        {
          title: 'Jobs waiting',
          description: 'waiting + prioritized, every mailbox.',
          unit: 'short',
        },
        promInstant('sum(queue:switchboard_queue_jobs_waiting:max)', 'waiting'),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Jobs in dead-letter sets',
          description:
            'BullMQ failed sets, every mailbox (replay them from Bull Board or the CLI).',
          unit: 'short',
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'orange' },
          ],
        },
        promInstant('sum(queue:switchboard_queue_jobs_failed:max)', 'failed'),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Worker processes up',
          description: 'Scrape targets of the switchboard-worker job that answered.',
          unit: 'short',
        },
        promInstant('sum(up{job="switchboard-worker"})', 'up'),
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Depth figures age',
          description:
            'Since the API last read the depths from Redis (they stay as last read while Redis is unreachable).',
          unit: 's',
          thresholds: [
            { value: null, color: 'green' },
            { value: 60, color: 'red' },
          ],
        },
        promInstant('time() - max(switchboard_queue_depth_refreshed_timestamp_seconds)', 'age'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Waiting per mailbox',
          description: 'waiting + prioritized. QueueBacklogHigh pages above 1000 for 10 min.',
          unit: 'short',
        },
        prom('queue:switchboard_queue_jobs_waiting:max', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Active per mailbox', description: 'Jobs a worker holds now.', unit: 'short' },
        prom('queue_state:switchboard_queue_jobs:max{state="active"}', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Delayed per mailbox',
          description: 'Delayed jobs: retries in backoff, budget deferrals, scheduled jobs.',
          unit: 'short',
        },
        prom('queue_state:switchboard_queue_jobs:max{state="delayed"}', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Failed (dead-letter) per mailbox',
          description:
            'The failed set of each mailbox. DeadLetterGrowing pages when it grows by more than 10 in 15 min.',
          unit: 'short',
        },
        prom('queue:switchboard_queue_jobs_failed:max', '{{queue}}'),
      ),
    )
    .withPanel(
      table(
        { title: 'Dead-letter sets now', description: 'Mailboxes with jobs in their failed set.' },
        promInstant('sort_desc(queue:switchboard_queue_jobs_failed:max > 0)', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Jobs sent to the dead-letter set',
          description: 'Runs that failed for good, per interval and mailbox.',
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (queue) (increase(switchboard_jobs_total{outcome="failed"}[$__rate_interval]))',
          '{{queue}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Throughput per mailbox',
          description: 'Completed jobs per second.',
          unit: 'ops',
          stacked: true,
        },
        prom(
          'sum by (queue) (queue_outcome:switchboard_jobs:rate5m{outcome="completed"})',
          '{{queue}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Job runs by outcome',
          description:
            'Runs per second by how they ended (completed, failed, retrying, timeout, deferred...).',
          unit: 'ops',
          stacked: true,
        },
        prom('sum by (outcome) (queue_outcome:switchboard_jobs:rate5m)', '{{outcome}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Failure ratio per mailbox',
          description:
            '(failed + timeout) / finished runs over 10 min. JobFailureRateHigh pages above 10%.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [
            { value: null, color: 'green' },
            { value: 0.1, color: 'red' },
          ],
        },
        prom('queue:switchboard_jobs_failed:ratio_rate10m', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Stalled jobs',
          description:
            "Runs that hit BullMQ's stall limit (their worker died or blocked), per interval. JobsStalled pages on any.",
          unit: 'short',
          bars: true,
        },
        prom(
          'sum by (queue) (increase(switchboard_jobs_total{outcome="stalled"}[$__rate_interval]))',
          '{{queue}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Queue wait p95',
          description: 'From a job becoming due to the start of its first run, p95 over 5 min.',
          unit: 's',
        },
        prom('queue:switchboard_job_queue_wait_seconds:p95_5m', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        { title: 'Run time p95', description: 'Duration of runs, p95 over 5 min.', unit: 's' },
        prom('queue:switchboard_job_run_seconds:p95_5m', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Workers per mailbox',
          description:
            "Workers connected to each mailbox, as the API's depth collector reads them.",
          unit: 'short',
        },
        prom('max by (queue) (switchboard_queue_workers)', '{{queue}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Concurrency in use per mailbox',
          description:
            'Jobs running now against the configured concurrency, summed over worker processes.',
          unit: 'short',
        },
        prom('sum by (queue) (switchboard_worker_jobs_active)', '{{queue}} running'),
        prom('sum by (queue) (switchboard_worker_concurrency)', '{{queue}} slots'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Slot utilisation per pool',
          description: 'Running jobs / configured concurrency, per worker pool (compose service).',
          unit: 'percentunit',
          min: 0,
          max: 1,
        },
        prom(
          'sum by (pool) (switchboard_worker_jobs_active) / sum by (pool) (switchboard_worker_concurrency)',
          '{{pool}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Worker processes up per pool',
          description: 'WorkerPoolDown pages when a pool has none.',
          unit: 'short',
          min: 0,
        },
        prom('sum by (pool) (up{job="switchboard-worker"})', '{{pool}}'),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Event loop lag p99',
          description:
            'Per process (prom-client default metric): a blocked loop delays every job and scrape.',
          unit: 's',
        },
        prom(
          'max by (job, pool, instance) (nodejs_eventloop_lag_p99_seconds)',
          '{{job}} {{pool}} {{instance}}',
        ),
      ),
    )
    .withPanel(
      timeSeries(
        {
          title: 'Redis memory',
          description:
            'Used against maxmemory (redis_exporter). RedisMemoryNearLimit pages above 90%.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [
            { value: null, color: 'green' },
            { value: 0.9, color: 'red' },
          ],
        },
        prom('max(redis_memory_used_bytes) / max(redis_memory_max_bytes > 0)', 'used / max'),
      ),
    );
}
