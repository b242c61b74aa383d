/** Company-wide policies: one document each; queries about them grade related policies 1. */
export interface Policy {
  id: string;
  title: string;
  body: string[];
  keywordQuery: string;
  paraphraseQuery: string;
  related: string[];
}

export const POLICIES: readonly Policy[] = [
  {
    id: 'data-retention',
    title: 'Data retention policy',
    body: [
      'Shipment records are retained for seven years to satisfy tax and customs audits.',
      'Raw GPS pings are retained for 90 days and then aggregated into hourly positions.',
      'Application logs are retained for 30 days in the central collector; local log retention on nodes is shorter.',
      'Personal data of drivers is purged 12 months after the contract ends unless a legal hold applies.',
      'The purge job runs nightly and writes a summary of deleted rows to the audit trail.',
      'Exceptions to the retention schedule need written approval from the data protection officer.',
    ],
    keywordQuery: 'data retention period purge personal data',
    paraphraseQuery: 'how long do we store information about people before erasing it',
    related: ['privacy-requests', 'backup-restore'],
  },
  {
    id: 'privacy-requests',
    title: 'Handling privacy requests (GDPR)',
    body: [
      'Data subject access requests must be answered within one month of receipt.',
      'The privacy desk verifies the requester identity before exporting any data.',
      'Erasure requests are executed by the purge job with a per-subject override.',
      'Data held in backups is not edited; it expires with the backup retention window.',
      'Every request, its decision and its completion date are recorded in the audit trail.',
      'Requests that touch carrier data are forwarded to the partner integrations team.',
    ],
    keywordQuery: 'GDPR data subject access request erasure',
    paraphraseQuery:
      'a driver wants a copy of everything we know about them and then wants it wiped',
    related: ['data-retention'],
  },
  {
    id: 'oncall-escalation',
    title: 'On-call escalation policy',
    body: [
      'Every production service has a primary and a secondary on-call engineer in its team rotation.',
      'A page must be acknowledged within five minutes; otherwise it escalates to the secondary.',
      'After fifteen minutes without acknowledgement the page escalates to the team lead.',
      'Severity one incidents open an incident channel and page the incident commander rotation.',
      'On-call engineers hand over at 09:00 local time with a written summary of open issues.',
      'Pages outside business hours are compensated according to the on-call allowance.',
    ],
    keywordQuery: 'on-call escalation page acknowledge secondary',
    paraphraseQuery: 'nobody answered the alert what happens next and who gets woken up',
    related: ['incident-severity', 'postmortem-process'],
  },
  {
    id: 'incident-severity',
    title: 'Incident severity levels',
    body: [
      'Severity one: customers cannot book, track or pay, or data is lost; all hands until mitigated.',
      'Severity two: a major feature is degraded for many customers; mitigation within four hours.',
      'Severity three: a minor feature is degraded or a workaround exists; fix within a week.',
      'The incident commander assigns the severity and may raise or lower it as facts arrive.',
      'Status page updates are mandatory for severity one and two every thirty minutes.',
      'Every severity one or two incident requires a postmortem.',
    ],
    keywordQuery: 'incident severity levels sev1 sev2 status page',
    paraphraseQuery: 'how bad does an outage have to be before we announce it publicly',
    related: ['oncall-escalation', 'postmortem-process'],
  },
  {
    id: 'postmortem-process',
    title: 'Postmortem process',
    body: [
      'A postmortem draft is due within five working days of the incident being resolved.',
      'Postmortems are blameless: they describe systems and decisions, not people at fault.',
      'Each postmortem lists a timeline, the root cause, contributing factors and action items.',
      'Action items get an owner and a due date and are tracked in the reliability backlog.',
      'The weekly operations review walks through new postmortems and overdue action items.',
    ],
    keywordQuery: 'postmortem blameless root cause action items',
    paraphraseQuery: 'writing up what went wrong after an outage without pointing fingers',
    related: ['incident-severity', 'oncall-escalation'],
  },
  {
    id: 'deploy-freeze',
    title: 'Deploy freeze calendar',
    body: [
      'Production deploys are frozen from 15 December to 5 January during the peak shipping season.',
      'A freeze also applies on the last two working days of each quarter for finance closing.',
      'During a freeze only severity one fixes may ship, approved by the head of engineering.',
      'Schema migrations are not allowed during a freeze, even behind a feature flag.',
      'Feature flag changes are allowed during a freeze if they are reversible and announced.',
    ],
    keywordQuery: 'deploy freeze peak season production deploys',
    paraphraseQuery: 'can I push code to live during the holidays',
    related: ['change-management'],
  },
  {
    id: 'change-management',
    title: 'Change management',
    body: [
      'Every production change goes through a reviewed pull request and the deploy pipeline.',
      'Risky changes need a rollout plan with canary percentage and a rollback trigger.',
      'Database migrations must be backward compatible with the previous release.',
      'Infrastructure changes are applied with Terraform from the main branch only.',
      'Emergency changes may skip review but need a retrospective review within two days.',
    ],
    keywordQuery: 'change management rollout canary rollback review',
    paraphraseQuery: 'what approvals are needed before altering anything in live systems',
    related: ['deploy-freeze'],
  },
  {
    id: 'secrets-rotation',
    title: 'Secrets rotation',
    body: [
      'Secrets live in Vault; no secret may be committed to a repository or baked into an image.',
      'Database credentials are dynamic and expire after 24 hours.',
      'Partner API keys are rotated every 90 days by the owning team.',
      'A leaked secret is revoked immediately and the rotation is recorded in the audit trail.',
      'TLS certificates are issued by cert-manager; their renewal is automated, not manual.',
    ],
    keywordQuery: 'secrets rotation Vault API keys credentials',
    paraphraseQuery: 'how often must passwords for outside vendors be swapped',
    related: ['access-control'],
  },
  {
    id: 'access-control',
    title: 'Production access control',
    body: [
      'Engineers get production access through short-lived certificates issued by the access broker.',
      'Access requests name a ticket and expire after eight hours.',
      'Read-only database access is granted by default; write access needs a second approver.',
      'All sessions are recorded and shipped to the audit trail.',
      'Access is reviewed quarterly by each team lead.',
    ],
    keywordQuery: 'production access control approver sessions recorded',
    paraphraseQuery: 'getting permission to log into live machines',
    related: ['secrets-rotation'],
  },
  {
    id: 'backup-restore',
    title: 'Backup and restore',
    body: [
      'PostgreSQL clusters take a base backup nightly and archive WAL continuously.',
      'Backups are kept for 35 days in a separate account with object lock enabled.',
      'A restore drill runs monthly for each tier-one database and records the time to restore.',
      'The recovery point objective is five minutes and the recovery time objective is one hour.',
      'Redis caches are not backed up; they are rebuilt from the source of truth.',
    ],
    keywordQuery: 'backup restore drill recovery point objective',
    paraphraseQuery:
      'if postgres is wiped out how much work do we lose and how fast can we come back',
    related: ['data-retention'],
  },
  {
    id: 'capacity-planning',
    title: 'Capacity planning',
    body: [
      'Each team reviews capacity quarterly against the forecast of lane volumes.',
      'Services keep 40 percent headroom on CPU and memory at the weekly peak.',
      'Database storage must stay below 70 percent of the provisioned volume.',
      'Load tests at twice the forecast peak run before the peak shipping season.',
      'Requests for new nodes go through the platform team with a cost estimate.',
    ],
    keywordQuery: 'capacity planning headroom load test forecast',
    paraphraseQuery: 'making sure we have enough servers before the busy months',
    related: ['cost-budgets'],
  },
  {
    id: 'cost-budgets',
    title: 'Cloud cost budgets',
    body: [
      'Every team has a monthly cloud budget broken down by service tags.',
      'A budget alert fires at 80 and 100 percent of the monthly amount.',
      'Untagged resources are reported weekly and deleted after 30 days.',
      'Reserved instances are bought centrally by the platform team.',
      'Overspend above ten percent needs a written explanation to finance.',
    ],
    keywordQuery: 'cloud cost budget alert untagged resources',
    paraphraseQuery: 'our group spent more money on hosting than allowed this month',
    related: ['capacity-planning'],
  },
  {
    id: 'api-versioning',
    title: 'Public API versioning',
    body: [
      'Public APIs are versioned in the path, for example /v2/shipments.',
      'A version is supported for at least 18 months after its successor ships.',
      'Breaking changes need a deprecation notice with a Sunset header and a changelog entry.',
      'Additive changes such as new optional fields do not need a new version.',
      'Webhook payloads follow the same versioning rules as the REST API.',
    ],
    keywordQuery: 'API versioning deprecation Sunset header breaking changes',
    paraphraseQuery: 'how long will the old interface keep working after a newer one comes out',
    related: ['change-management'],
  },
  {
    id: 'vendor-outages',
    title: 'Handling third-party outages',
    body: [
      'When a partner or cloud vendor has an outage, the owning team opens a vendor incident.',
      'Circuit breakers must open after repeated upstream failures to protect our own capacity.',
      'Customer communication names the affected feature, not the vendor.',
      'The account manager is contacted for credits when the contractual SLA is breached.',
      'Vendor incidents are reviewed in the weekly operations review like our own.',
    ],
    keywordQuery: 'third-party vendor outage circuit breaker SLA',
    paraphraseQuery: 'a supplier we depend on went down what do we do',
    related: ['incident-severity'],
  },
];
