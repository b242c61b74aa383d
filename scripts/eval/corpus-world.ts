import { FAILURE_MODES, type FailureMode } from './corpus-failure-modes';
import { SeededRandom } from './corpus-prng';
import { SERVICES, type Service } from './corpus-services';

/** One documented failure of one service: the unit most documents and queries are built on. */
export interface ServiceFailure {
  service: Service;
  mode: FailureMode;
  code: string;
  legacyCode: string;
  configKey: string;
  incidentNumber: number;
  incidentDate: string;
}

export interface ServiceFacts {
  service: Service;
  dependsOn: string[];
  port: number;
  regions: string[];
  sloMs: number;
  failures: ServiceFailure[];
}

/** A generated document: what the file holds, plus the facts relevance is graded on. */
export interface BuiltDocument {
  id: string;
  title: string;
  text: string;
  metadata: { doc_type: string; source: string; created_at: string; tags: string[] };
  facts: DocumentFacts;
}

export interface DocumentFacts {
  service?: string;
  failure?: string;
  policy?: string;
  team?: string;
  codes: string[];
  configKeys: string[];
  /** (service, failure) pairs a multi-topic document summarises. */
  mentions: string[];
}

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-2', 'ap-southeast-1'];

export function pairKey(serviceId: string, failureId: string): string {
  return `${serviceId}/${failureId}`;
}

export function isoDate(random: SeededRandom, from = Date.UTC(2023, 0, 2), days = 900): string {
  return new Date(from + random.int(0, days) * 86_400_000).toISOString().slice(0, 10);
}

/** Assigns each service its dependencies, failure modes, error codes and config keys. */
export function buildWorld(random: SeededRandom): ServiceFacts[] {
  const usedCodes = new Set<string>();
  let incident = 2100;
  return SERVICES.map((service) => {
    const others = SERVICES.filter((s) => s.id !== service.id).map((s) => s.id);
    const modes = random.sample(FAILURE_MODES, 3);
    const failures = modes.map((mode): ServiceFailure => {
      let code: string;
      do code = `${service.prefix}-${random.int(1000, 9899)}`;
      while (usedCodes.has(code));
      usedCodes.add(code);
      incident += random.int(3, 17);
      return {
        service,
        mode,
        code,
        legacyCode: `${service.prefix}-E${random.int(100, 989)}`,
        configKey: `${service.prefix}_${mode.configSuffix}`,
        incidentNumber: incident,
        incidentDate: isoDate(random),
      };
    });
    return {
      service,
      dependsOn: random.sample(others, 2).sort(),
      port: 8000 + random.int(10, 980),
      regions: random.sample(REGIONS, 2).sort(),
      sloMs: random.pick([150, 200, 250, 400, 800]),
      failures,
    };
  });
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}
