/**
 * The failure modes the handbook documents. Documents use the `doc*` vocabulary; paraphrase
 * queries use `paraphrases`, whose content words the generator checks are absent from the
 * document that answers them.
 */
export interface FailureMode {
  id: string;
  name: string;
  /** Suffix of the config key that tunes this failure mode, e.g. `DB_POOL_MAX`. */
  configSuffix: string;
  configDefault: string;
  configMeaning: string;
  docSymptoms: string[];
  docDiagnosis: string[];
  docMitigation: string[];
  /** Words a keyword query about this failure mode uses (all present in its runbook). */
  keywords: string;
  paraphrases: string[];
}

export const FAILURE_MODES: readonly FailureMode[] = [
  {
    id: 'pool-exhaustion',
    name: 'connection pool exhaustion',
    configSuffix: 'DB_POOL_MAX',
    configDefault: '40',
    configMeaning: 'the maximum number of pooled PostgreSQL connections per replica',
    docSymptoms: [
      'Requests fail with a checkout timeout because the connection pool is exhausted.',
      'The pool reports zero idle connections and the pending checkout count climbs.',
      'Latency at p99 jumps while CPU stays flat, the classic sign of pool exhaustion.',
    ],
    docDiagnosis: [
      'Compare pg_stat_activity against the configured pool size for each replica.',
      'Look for long transactions holding connections open, often from a batch export.',
      'Check whether a recent deploy raised the replica count without lowering the per-replica pool.',
    ],
    docMitigation: [
      'Terminate the idle-in-transaction backends older than five minutes.',
      'Lower the per-replica pool size so the total stays under max_connections.',
      'Route the batch export through the read replica instead of the primary.',
    ],
    keywords: 'connection pool exhausted checkout timeout',
    paraphrases: [
      'too many simultaneous database sessions so new work stalls until a free link appears',
      'callers hang because every slot to postgres is taken',
    ],
  },
  {
    id: 'cert-expiry',
    name: 'TLS certificate expiry',
    configSuffix: 'TLS_RENEW_BEFORE_DAYS',
    configDefault: '21',
    configMeaning: 'how many days before expiry cert-manager renews the serving certificate',
    docSymptoms: [
      'Clients report a handshake failure and the TLS certificate shows as expired.',
      'Health checks from the load balancer fail with certificate verify failed.',
      'The certificate expiry alert fired but the renewal job never completed.',
    ],
    docDiagnosis: [
      'Inspect the certificate with openssl s_client and read the notAfter date.',
      'Check the cert-manager Certificate resource for a failed renewal order.',
      'Confirm the issuer secret was not rotated without updating the ClusterIssuer.',
    ],
    docMitigation: [
      'Trigger a manual renewal with cmctl renew and wait for the secret to update.',
      'Restart the ingress pods so they reload the renewed certificate.',
      'As a stopgap, serve the backup certificate stored in the vault path for the service.',
    ],
    keywords: 'TLS certificate expired handshake renewal',
    paraphrases: [
      'encrypted links refused since the security credential lapsed',
      'browsers warn that the site credentials look stale and refuse to talk',
    ],
  },
  {
    id: 'disk-full',
    name: 'disk full',
    configSuffix: 'LOG_RETENTION_DAYS',
    configDefault: '7',
    configMeaning: 'how many days of local logs are kept before rotation deletes them',
    docSymptoms: [
      'Writes fail with no space left on device and the volume shows 100 percent disk usage.',
      'The node reports DiskPressure and evicts pods from the volume.',
      'Log rotation stopped, so the disk filled with uncompressed log files.',
    ],
    docDiagnosis: [
      'Run df -h on the volume and du on the log directory to find the largest files.',
      'Check whether log rotation ran by reading the logrotate status file.',
      'Look for core dumps or heap snapshots left on the volume by a crash.',
    ],
    docMitigation: [
      'Delete rotated log archives older than the retention setting.',
      'Expand the persistent volume claim; the storage class allows online expansion.',
      'Lower the log retention and ship logs to the central collector instead.',
    ],
    keywords: 'disk full no space left on device volume',
    paraphrases: [
      'the box is out of room and saving anything breaks',
      'the machine cannot persist more bytes because capacity is at its limit',
    ],
  },
  {
    id: 'memory-leak',
    name: 'memory leak',
    configSuffix: 'HEAP_LIMIT_MB',
    configDefault: '1536',
    configMeaning: 'the heap limit passed to the runtime, in megabytes',
    docSymptoms: [
      'Resident set size grows steadily until the container is OOMKilled.',
      'Garbage collection pauses lengthen and the heap never returns to its baseline.',
      'Pods restart every few hours with exit code 137, a sign of a memory leak.',
    ],
    docDiagnosis: [
      'Take two heap snapshots an hour apart and diff the retained objects.',
      'Correlate the heap growth with the deploy timeline to find the release that introduced the leak.',
      'Check listener and cache registries for entries that are added but never removed.',
    ],
    docMitigation: [
      'Roll back to the previous release while the leak is investigated.',
      'Schedule a rolling restart every six hours as a temporary measure.',
      'Cap the in-process cache by entry count rather than by time.',
    ],
    keywords: 'memory leak heap OOMKilled',
    paraphrases: [
      'the program keeps growing in RAM and eventually the kernel kills it',
      'usage of working storage creeps up all day then the program dies',
    ],
  },
  {
    id: 'replication-lag',
    name: 'replication lag',
    configSuffix: 'MAX_REPLICA_LAG_MS',
    configDefault: '500',
    configMeaning: 'the replica lag above which reads are routed back to the primary',
    docSymptoms: [
      'Reads from the replica return stale rows and replication lag exceeds the threshold.',
      'Users see read-after-write inconsistencies right after saving a record.',
      'The WAL receiver falls behind and the replay position stops advancing.',
    ],
    docDiagnosis: [
      'Query pg_stat_replication for the replay lag of each replica.',
      'Check for a long-running query on the replica that blocks WAL replay.',
      'Look at network throughput between the availability zones.',
    ],
    docMitigation: [
      'Route reads to the primary until the replica catches up.',
      'Cancel the long-running replica query and enable hot_standby_feedback.',
      'Rebuild the replica from a fresh base backup if it cannot catch up.',
    ],
    keywords: 'replication lag replica stale reads WAL',
    paraphrases: [
      'the secondary copy is out of step so customers get outdated figures',
      'mirrored data seems old after someone edits it',
    ],
  },
  {
    id: 'queue-backlog',
    name: 'queue backlog',
    configSuffix: 'CONSUMER_CONCURRENCY',
    configDefault: '8',
    configMeaning: 'how many messages each consumer processes in parallel',
    docSymptoms: [
      'Queue depth keeps rising and the backlog age alert fires.',
      'Consumers are healthy but throughput is below the arrival rate.',
      'Messages wait more than ten minutes before a consumer picks them up.',
    ],
    docDiagnosis: [
      'Compare the enqueue rate with the consumer acknowledgement rate.',
      'Check whether one poison message is being retried in a tight loop.',
      'Inspect consumer lag per partition to find a hot partition.',
    ],
    docMitigation: [
      'Scale the consumer deployment horizontally and raise consumer concurrency.',
      'Move the poison message to the dead-letter queue.',
      'Pause the low-priority producers until the backlog drains.',
    ],
    keywords: 'queue backlog queue depth consumer throughput',
    paraphrases: [
      'pending jobs pile up faster than they get handled',
      'tasks sit unprocessed for a long while waiting their turn',
    ],
  },
  {
    id: 'clock-skew',
    name: 'clock skew',
    configSuffix: 'TOKEN_LEEWAY_SECONDS',
    configDefault: '30',
    configMeaning: 'the tolerated difference between token timestamps and the local clock',
    docSymptoms: [
      'Token validation fails with iat in the future because of clock skew.',
      'NTP reports the node clock drifted several seconds from the reference.',
      'Signed URLs are rejected intermittently on a single node.',
    ],
    docDiagnosis: [
      'Run chronyc tracking on the node and read the system time offset.',
      'Check whether the NTP daemon lost its upstream servers after a network change.',
      'Compare the Date header of responses from each node.',
    ],
    docMitigation: [
      'Restart chronyd and force a step correction with chronyc makestep.',
      'Cordon the drifting node and drain its pods.',
      'Raise the token leeway temporarily while the clock is corrected.',
    ],
    keywords: 'clock skew NTP drift token validation',
    paraphrases: [
      'machines disagree about the hour and signatures look bogus',
      'one host believes it is slightly ahead of everybody',
    ],
  },
  {
    id: 'rate-limited',
    name: 'upstream rate limiting',
    configSuffix: 'UPSTREAM_RPS',
    configDefault: '50',
    configMeaning: 'the request rate budget towards the upstream partner API',
    docSymptoms: [
      'The upstream partner API answers HTTP 429 and calls are throttled.',
      'Retries amplify the load and the quota is exhausted before noon.',
      'The retry budget is spent and requests fail fast with a throttled status.',
    ],
    docDiagnosis: [
      'Read the Retry-After and quota headers the partner returns.',
      'Check whether a new batch job shares the partner API key.',
      'Graph outgoing request rate against the contracted quota.',
    ],
    docMitigation: [
      'Lower the outgoing request rate and honour Retry-After.',
      'Move the batch job to its own API key with a separate quota.',
      'Ask the partner for a temporary quota increase through the account manager.',
    ],
    keywords: 'rate limiting HTTP 429 throttled quota',
    paraphrases: [
      'the supplier keeps turning us away because we exceed our allowance',
      'an outside vendor pushes back on how often we contact them',
    ],
  },
  {
    id: 'cache-stampede',
    name: 'cache stampede',
    configSuffix: 'CACHE_TTL_SECONDS',
    configDefault: '300',
    configMeaning: 'the time to live of cached entries, with jitter applied',
    docSymptoms: [
      'A burst of cache misses after a deploy triggers a stampede on PostgreSQL.',
      'Many identical queries arrive at once when a hot key expires, a thundering herd.',
      'Cache hit ratio drops from 98 percent to below 40 percent in a minute.',
    ],
    docDiagnosis: [
      'Check whether the hot keys share the same TTL without jitter.',
      'Look at the cache eviction metrics for a flush during the deploy.',
      'Count duplicate queries per key to confirm the stampede.',
    ],
    docMitigation: [
      'Enable request coalescing so one caller refreshes each key.',
      'Add jitter to the TTL and refresh hot keys early.',
      'Warm the cache from the snapshot before shifting traffic.',
    ],
    keywords: 'cache stampede cache miss TTL thundering herd',
    paraphrases: [
      'lots of lookups bypass the fast layer at once after items lapse and hammer the origin',
      'when a popular item goes stale everybody recomputes it together',
    ],
  },
  {
    id: 'deadlock',
    name: 'database deadlock',
    configSuffix: 'LOCK_TIMEOUT_MS',
    configDefault: '2000',
    configMeaning: 'how long a statement waits for a row lock before giving up',
    docSymptoms: [
      'PostgreSQL logs deadlock detected and one transaction is rolled back.',
      'Lock wait time spikes and row lock contention shows on the same table.',
      'Batch updates fail with a serialization error under concurrent load.',
    ],
    docDiagnosis: [
      'Read the deadlock report in the PostgreSQL log to find the two statements.',
      'Check whether the two code paths lock rows in a different order.',
      'Query pg_locks during the spike to see which relation is contended.',
    ],
    docMitigation: [
      'Lock rows in a consistent order, sorted by primary key.',
      'Retry the rolled-back transaction with backoff.',
      'Shorten transactions by moving remote calls outside them.',
    ],
    keywords: 'deadlock detected row lock transaction',
    paraphrases: [
      'simultaneous edits block each other forever',
      'parallel edits stall on one another and neither finishes',
    ],
  },
  {
    id: 'dns-failure',
    name: 'DNS resolution failure',
    configSuffix: 'DNS_CACHE_SECONDS',
    configDefault: '60',
    configMeaning: 'how long resolved addresses are cached in process',
    docSymptoms: [
      'Outgoing calls fail with NXDOMAIN or a resolver timeout.',
      'CoreDNS pods are saturated and DNS resolution takes seconds.',
      'getaddrinfo EAI_AGAIN errors appear in bursts across replicas.',
    ],
    docDiagnosis: [
      'Run dig against the cluster resolver from a debug pod.',
      'Check CoreDNS metrics for dropped queries and cache misses.',
      'Confirm the ndots setting does not multiply lookups for external names.',
    ],
    docMitigation: [
      'Scale CoreDNS and enable NodeLocal DNSCache.',
      'Append a trailing dot to external hostnames to skip search domains.',
      'Raise the in-process DNS cache duration.',
    ],
    keywords: 'DNS resolution NXDOMAIN resolver CoreDNS',
    paraphrases: [
      'cannot turn remote host labels into IPs so nothing connects',
      'server labels no longer translate to IPs',
    ],
  },
  {
    id: 'migration-lock',
    name: 'schema migration lock',
    configSuffix: 'MIGRATION_LOCK_TIMEOUT_S',
    configDefault: '10',
    configMeaning: 'how long a schema migration waits for its advisory lock',
    docSymptoms: [
      'An ALTER TABLE in the schema migration holds an exclusive lock and writes queue behind it.',
      'The migration job hangs waiting for the advisory lock held by a previous run.',
      'Deploys stall at the migration step and the table is locked.',
    ],
    docDiagnosis: [
      'Find the blocking session in pg_locks and the statement it runs.',
      'Check the migrations table for a half-applied migration.',
      'Confirm no second deploy started the migration in parallel.',
    ],
    docMitigation: [
      'Cancel the migration and rewrite it to add the column without a default first.',
      'Set a lock_timeout on migration sessions so they fail fast.',
      'Release the stale advisory lock after confirming the old run is gone.',
    ],
    keywords: 'schema migration ALTER TABLE advisory lock',
    paraphrases: [
      'a structural edit to the relational layout froze saving during rollout',
      'altering fields mid-rollout blocked every insert',
    ],
  },
];
