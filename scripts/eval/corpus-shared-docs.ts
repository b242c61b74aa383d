import type { FailureMode } from './corpus-failure-modes';
import type { Policy } from './corpus-policies';
import type { SeededRandom } from './corpus-prng';
import { SERVICES, type Team } from './corpus-services';
import { isoDate, pairKey, type BuiltDocument, type ServiceFailure } from './corpus-world';

/** The general guidance for one failure mode, not tied to a service. */
export function playbookDoc(mode: FailureMode, random: SeededRandom): BuiltDocument {
  return {
    id: `pb-${mode.id}`,
    title: `Playbook: ${mode.name}`,
    text: [
      `This playbook explains ${mode.name} in general terms. Service runbooks hold the alert codes and the exact settings.`,
      `How it shows up. ${mode.docSymptoms.join(' ')}`,
      `How to investigate. ${mode.docDiagnosis.join(' ')}`,
      `What usually helps. ${mode.docMitigation.join(' ')}`,
    ].join('\n\n'),
    metadata: {
      doc_type: 'playbook',
      source: `handbook/playbooks/${mode.id}.md`,
      created_at: isoDate(random),
      tags: [mode.id, 'playbook'],
    },
    facts: { failure: mode.id, codes: [], configKeys: [], mentions: [] },
  };
}

export function policyDoc(policy: Policy, random: SeededRandom): BuiltDocument {
  return {
    id: `pol-${policy.id}`,
    title: policy.title,
    text: [
      `${policy.title}. This policy applies to every team at Halden Freight and is reviewed once a year.`,
      policy.body.join(' '),
      'Questions about this policy go to the engineering handbook channel; changes are proposed by pull request.',
    ].join('\n\n'),
    metadata: {
      doc_type: 'policy',
      source: `handbook/policies/${policy.id}.md`,
      created_at: isoDate(random),
      tags: [policy.id, 'policy'],
    },
    facts: { policy: policy.id, codes: [], configKeys: [], mentions: [] },
  };
}

export function teamDoc(team: Team, random: SeededRandom): BuiltDocument {
  const owned = SERVICES.filter((s) => s.team === team.id).map((s) => s.id);
  return {
    id: `team-${team.id}`,
    title: `${team.name} team`,
    text: [
      `The ${team.name} team is led by ${team.lead}. It owns ${owned.slice(0, -1).join(', ')} and ${owned[owned.length - 1]}.`,
      `On-call: the ${team.rotation} rotation in PagerDuty carries the pager for all of these services, with a primary and a secondary engineer each week. Questions during business hours go to ${team.channel}.`,
      `Escalation: if the on-call engineer does not acknowledge within five minutes the page goes to the secondary, and after fifteen minutes to ${team.lead}.`,
      `The team runs a game day every quarter and reviews its dashboards and alert thresholds at the same time.`,
    ].join('\n\n'),
    metadata: {
      doc_type: 'team',
      source: `handbook/teams/${team.id}.md`,
      created_at: isoDate(random),
      tags: [team.id, 'team'],
    },
    facts: { team: team.id, codes: [], configKeys: [], mentions: [] },
  };
}

/** A multi-topic document: a weekly review summarising three incidents of different services. */
export function opsReviewDoc(
  week: number,
  incidents: ServiceFailure[],
  random: SeededRandom,
): BuiltDocument {
  const lines = incidents.map(
    (f) =>
      `INC-${f.incidentNumber} (${f.service.id}): ${f.mode.name}, alert ${f.code}; ${random.pick(f.mode.docSymptoms).toLowerCase()}`,
  );
  return {
    id: `ops-review-${String(week).padStart(2, '0')}`,
    title: `Weekly operations review, week ${week}`,
    text: [
      `Weekly operations review for week ${week}. Attendance: all team on-call engineers and the incident commander rotation.`,
      `Incidents reviewed.\n${lines.map((l) => `- ${l}`).join('\n')}`,
      `Error budgets: ${incidents[0].service.id} spent ${random.int(20, 90)} percent of its monthly budget. Overdue action items: ${random.int(0, 6)}.`,
      'Decisions: postmortems for the incidents above are due by Friday; owners confirmed their action items.',
    ].join('\n\n'),
    metadata: {
      doc_type: 'ops-review',
      source: `handbook/ops-reviews/week-${week}.md`,
      created_at: isoDate(random),
      tags: ['ops-review', ...incidents.map((f) => f.service.id)],
    },
    facts: {
      codes: incidents.map((f) => f.code),
      configKeys: [],
      mentions: incidents.map((f) => pairKey(f.service.id, f.mode.id)),
    },
  };
}
