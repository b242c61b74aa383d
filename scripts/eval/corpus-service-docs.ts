import type { SeededRandom } from './corpus-prng';
import { teamOf } from './corpus-services';
import {
  isoDate,
  type BuiltDocument,
  type DocumentFacts,
  type ServiceFacts,
  type ServiceFailure,
} from './corpus-world';

type Facts = Partial<DocumentFacts>;

function doc(
  id: string,
  title: string,
  paragraphs: string[],
  meta: { doc_type: string; source: string; created_at: string; tags: string[] },
  facts: Facts,
): BuiltDocument {
  return {
    id,
    title,
    text: paragraphs.join('\n\n'),
    metadata: meta,
    facts: { codes: [], configKeys: [], mentions: [], ...facts },
  };
}

export function overviewDoc(facts: ServiceFacts, random: SeededRandom): BuiltDocument {
  const { service } = facts;
  const team = teamOf(service);
  const risks = facts.failures.map((f) => f.mode.name);
  return doc(
    `svc-${service.id}`,
    `${service.id} service overview`,
    [
      `${service.id} ${service.purpose}. It is owned by the ${team.name} team, written in ${service.language}, and keeps its state in ${service.datastore}.`,
      `Dependencies: ${service.id} calls ${facts.dependsOn[0]} and ${facts.dependsOn[1]} synchronously, so an outage of either degrades it. It listens on port ${facts.port} and runs in ${facts.regions.join(' and ')} behind the shared ingress.`,
      `Service level objective: 99.9 percent of requests complete within ${facts.sloMs} ms over a rolling 30 days. The error budget is reviewed at the weekly operations review.`,
      `Known operational risks are ${risks[0]}, ${risks[1]} and ${risks[2]}; each has a runbook in the handbook. ${random.pick(OVERVIEW_TAILS)}`,
    ],
    meta('service-overview', `handbook/services/${service.id}/README.md`, random, [
      service.id,
      team.id,
    ]),
    { service: service.id, team: team.id },
  );
}

const OVERVIEW_TAILS = [
  'Deploys go through the standard pipeline with a ten percent canary.',
  'The service is stateless apart from its datastore, so replicas can be replaced at any time.',
  'Dashboards for the service live in the shared Grafana folder named after it.',
];

export function runbookDoc(failure: ServiceFailure, random: SeededRandom): BuiltDocument {
  const { service, mode } = failure;
  return doc(
    `rb-${service.id}-${mode.id}`,
    `Runbook: ${service.id} ${mode.name}`,
    [
      `Alert ${failure.code} fires when ${service.id} detects ${mode.name}. This runbook is the current procedure for on-call engineers.`,
      `Symptoms. ${random.sample(mode.docSymptoms, 2).join(' ')}`,
      `Diagnosis. ${mode.docDiagnosis.join(' ')}`,
      `Mitigation. ${random.sample(mode.docMitigation, 2).join(' ')} The setting ${failure.configKey} (default ${mode.configDefault}) controls ${mode.configMeaning}; change it only through the config repository.`,
      `If ${failure.code} keeps firing for 30 minutes after mitigation, escalate to the owning team's on-call rotation listed on the service overview page.`,
    ],
    meta('runbook', `handbook/runbooks/${service.id}/${mode.id}.md`, random, [service.id, mode.id]),
    {
      service: service.id,
      failure: mode.id,
      codes: [failure.code],
      configKeys: [failure.configKey],
    },
  );
}

/** A near-duplicate distractor: the superseded version of a runbook, with the old alert code. */
export function legacyRunbookDoc(failure: ServiceFailure, random: SeededRandom): BuiltDocument {
  const { service, mode } = failure;
  return doc(
    `rb-${service.id}-${mode.id}-2022`,
    `Runbook (superseded): ${service.id} ${mode.name}`,
    [
      `Superseded in 2023. Alert ${failure.legacyCode} fired when ${service.id} detected ${mode.name}; the alert was renamed when alerting moved to the new rules.`,
      `Symptoms. ${random.sample(mode.docSymptoms, 2).join(' ')}`,
      `Diagnosis. ${random.sample(mode.docDiagnosis, 2).join(' ')}`,
      `Mitigation. ${random.pick(mode.docMitigation)} Restart the affected pods one at a time and watch the dashboards.`,
      'Escalation went to the shared operations pager, which no longer exists.',
    ],
    {
      doc_type: 'runbook',
      source: `handbook/archive/runbooks/${service.id}/${mode.id}.md`,
      created_at: isoDate(random, Date.UTC(2021, 0, 4), 700),
      tags: [service.id, mode.id, 'superseded'],
    },
    { service: service.id, failure: mode.id, codes: [failure.legacyCode] },
  );
}

export function incidentDoc(failure: ServiceFailure, random: SeededRandom): BuiltDocument {
  const { service, mode } = failure;
  const minutes = random.int(12, 190);
  const severity = minutes > 90 ? 'severity two' : 'severity three';
  const [first, second] = random.sample(mode.docSymptoms, 2);
  return doc(
    `inc-${failure.incidentNumber}`,
    `Postmortem INC-${failure.incidentNumber}: ${service.id} ${mode.name}`,
    [
      `On ${failure.incidentDate} ${service.id} was degraded for ${minutes} minutes (${severity}). Alert ${failure.code} paged the on-call engineer.`,
      `What happened. ${first} ${second}`,
      `Root cause. The investigation confirmed ${mode.name}. ${random.pick(mode.docDiagnosis)}`,
      `Resolution. ${random.pick(mode.docMitigation)} Traffic recovered within minutes of the change.`,
      `Action items. Review ${failure.configKey} against current load; add a dashboard panel for the leading indicator; rehearse the runbook at the next game day.`,
    ],
    {
      doc_type: 'incident',
      source: `handbook/postmortems/INC-${failure.incidentNumber}.md`,
      created_at: failure.incidentDate,
      tags: [service.id, mode.id, severity.replace(' ', '-')],
    },
    {
      service: service.id,
      failure: mode.id,
      codes: [failure.code],
      configKeys: [failure.configKey],
    },
  );
}

export function apiDoc(facts: ServiceFacts, random: SeededRandom): BuiltDocument {
  const { service } = facts;
  const resource = service.id.split('-')[0];
  return doc(
    `api-${service.id}`,
    `${service.id} API reference`,
    [
      `The ${service.id} API is internal and authenticated with service tokens from auth-gateway. Base path: /internal/${resource}/v1.`,
      `GET /internal/${resource}/v1/items lists records with cursor pagination (limit up to 200). GET /internal/${resource}/v1/items/{id} returns one record. POST /internal/${resource}/v1/items creates a record and accepts an Idempotency-Key header.`,
      `Error codes returned in the problem+json body: ${facts.failures.map((f) => `${f.code} (${f.mode.name}, retry later)`).join('; ')}; ${service.prefix}-0400 (validation failed, do not retry).`,
      `Rate limits: ${random.pick([100, 200, 500])} requests per second per calling service; excess requests receive 429.`,
    ],
    meta('api-reference', `handbook/api/${service.id}.md`, random, [service.id, 'api']),
    { service: service.id, codes: facts.failures.map((f) => f.code) },
  );
}

export function configDoc(facts: ServiceFacts, random: SeededRandom): BuiltDocument {
  const { service } = facts;
  const keys = facts.failures.map(
    (f) => `${f.configKey} (default ${f.mode.configDefault}) sets ${f.mode.configMeaning}.`,
  );
  return doc(
    `cfg-${service.id}`,
    `${service.id} configuration reference`,
    [
      `${service.id} reads its configuration from environment variables at start; changes need a rolling restart. Values are kept in the config repository, never edited on running pods.`,
      `${service.prefix}_PORT (default ${facts.port}) is the listening port. ${service.prefix}_LOG_LEVEL (default info) accepts debug, info, warn and error.`,
      keys.join(' '),
      'Unknown variables with the service prefix are rejected at start so that typos fail fast.',
    ],
    meta('config', `handbook/config/${service.id}.md`, random, [service.id, 'config']),
    { service: service.id, configKeys: facts.failures.map((f) => f.configKey) },
  );
}

/** Release notes: mention one alert code fixed and one setting changed. */
export function changelogDoc(facts: ServiceFacts, random: SeededRandom): BuiltDocument {
  const { service } = facts;
  const fixed = random.pick(facts.failures);
  const tuned = random.pick(facts.failures);
  const minor = random.int(3, 30);
  return doc(
    `chg-${service.id}`,
    `${service.id} release notes`,
    [
      `Release 2.${minor}.0 of ${service.id}: fixed a bug that raised ${fixed.code} spuriously during deploys; the alert now waits for two consecutive failing checks.`,
      `Release 2.${minor + 1}.0: the default of ${tuned.configKey} changed after load tests; see the configuration reference for the new value. Added structured logs for every outgoing call.`,
      `Release 2.${minor + 2}.0: upgraded the ${service.language} runtime and the ${service.datastore} client library; no behaviour change expected. Removed the deprecated v0 endpoints.`,
      `Upgrade notes: releases are rolled out with a ten percent canary for one hour before the full rollout. Roll back with the deploy pipeline if error rates rise; every release in this list is backward compatible with the previous one.`,
    ],
    meta('changelog', `handbook/changelogs/${service.id}.md`, random, [service.id, 'release']),
    { service: service.id, codes: [fixed.code], configKeys: [tuned.configKey] },
  );
}

function meta(docType: string, source: string, random: SeededRandom, tags: string[]) {
  return { doc_type: docType, source, created_at: isoDate(random), tags };
}
