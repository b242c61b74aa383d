/** The fictional company's services and teams (Halden Freight's platform). */
export interface Team {
  id: string;
  name: string;
  rotation: string;
  channel: string;
  lead: string;
}

export interface Service {
  id: string;
  /** The short word that paraphrase queries use to name the service. */
  word: string;
  prefix: string;
  team: string;
  language: string;
  datastore: string;
  purpose: string;
}

export const TEAMS: readonly Team[] = [
  {
    id: 'payments',
    name: 'Payments',
    rotation: 'pay-primary',
    channel: '#pay-oncall',
    lead: 'Ines Okafor',
  },
  {
    id: 'dispatch',
    name: 'Dispatch',
    rotation: 'dispatch-24x7',
    channel: '#dispatch-ops',
    lead: 'Tomas Varga',
  },
  {
    id: 'identity',
    name: 'Identity',
    rotation: 'idp-oncall',
    channel: '#identity-help',
    lead: 'Mei Lindqvist',
  },
  {
    id: 'platform',
    name: 'Platform',
    rotation: 'plat-sre',
    channel: '#platform-sre',
    lead: 'Arjun Castell',
  },
  {
    id: 'insights',
    name: 'Insights',
    rotation: 'insights-day',
    channel: '#insights-data',
    lead: 'Rosa Achterberg',
  },
  {
    id: 'partner',
    name: 'Partner Integrations',
    rotation: 'partner-eu',
    channel: '#partner-int',
    lead: 'Kofi Brennan',
  },
];

export const SERVICES: readonly Service[] = [
  {
    id: 'ledger-api',
    word: 'ledger',
    prefix: 'LDG',
    team: 'payments',
    language: 'Go',
    datastore: 'PostgreSQL',
    purpose: 'records every balance movement of a shipper account as double-entry postings',
  },
  {
    id: 'invoice-worker',
    word: 'invoicing',
    prefix: 'INV',
    team: 'payments',
    language: 'TypeScript',
    datastore: 'PostgreSQL',
    purpose: 'renders monthly invoices to PDF and emails them to billing contacts',
  },
  {
    id: 'payment-bridge',
    word: 'payments',
    prefix: 'PAY',
    team: 'payments',
    language: 'Java',
    datastore: 'PostgreSQL',
    purpose: 'forwards card and SEPA charges to the acquiring bank and reconciles settlements',
  },
  {
    id: 'pricing-engine',
    word: 'pricing',
    prefix: 'PRC',
    team: 'payments',
    language: 'Kotlin',
    datastore: 'Redis',
    purpose: 'quotes freight prices from lane tariffs, fuel surcharges and customer discounts',
  },
  {
    id: 'route-planner',
    word: 'routing',
    prefix: 'RTP',
    team: 'dispatch',
    language: 'Rust',
    datastore: 'PostgreSQL',
    purpose: 'computes truck routes and stop sequences under driving-time regulations',
  },
  {
    id: 'dispatch-board',
    word: 'dispatch',
    prefix: 'DSB',
    team: 'dispatch',
    language: 'TypeScript',
    datastore: 'PostgreSQL',
    purpose: 'shows planners the live assignment of loads to drivers',
  },
  {
    id: 'geo-cache',
    word: 'geocoding',
    prefix: 'GEO',
    team: 'dispatch',
    language: 'Go',
    datastore: 'Redis',
    purpose: 'caches geocoded addresses and distance matrices for the planners',
  },
  {
    id: 'tracking-ingest',
    word: 'tracking',
    prefix: 'TRK',
    team: 'dispatch',
    language: 'Go',
    datastore: 'Kafka',
    purpose: 'ingests GPS pings from truck telematics units and publishes positions',
  },
  {
    id: 'auth-gateway',
    word: 'login',
    prefix: 'AUT',
    team: 'identity',
    language: 'Go',
    datastore: 'Redis',
    purpose: 'terminates OAuth flows and issues the session tokens every other service trusts',
  },
  {
    id: 'identity-sync',
    word: 'directory',
    prefix: 'IDS',
    team: 'identity',
    language: 'Python',
    datastore: 'PostgreSQL',
    purpose: 'mirrors customer staff directories from SCIM providers into user accounts',
  },
  {
    id: 'session-store',
    word: 'sessions',
    prefix: 'SES',
    team: 'identity',
    language: 'Go',
    datastore: 'Redis',
    purpose: 'keeps server-side session state and revocation lists',
  },
  {
    id: 'audit-trail',
    word: 'audit',
    prefix: 'AUD',
    team: 'identity',
    language: 'Java',
    datastore: 'PostgreSQL',
    purpose: 'stores an append-only log of security-relevant actions for compliance',
  },
  {
    id: 'notification-hub',
    word: 'notifications',
    prefix: 'NTF',
    team: 'platform',
    language: 'TypeScript',
    datastore: 'Kafka',
    purpose: 'fans out email, SMS and push messages from domain events',
  },
  {
    id: 'webhook-dispatcher',
    word: 'webhooks',
    prefix: 'WHD',
    team: 'platform',
    language: 'TypeScript',
    datastore: 'PostgreSQL',
    purpose: 'delivers signed webhook callbacks to customer endpoints with retries',
  },
  {
    id: 'feature-flags',
    word: 'flags',
    prefix: 'FFL',
    team: 'platform',
    language: 'Go',
    datastore: 'Redis',
    purpose: 'evaluates feature flag rules for every request and streams changes to clients',
  },
  {
    id: 'media-transcoder',
    word: 'media',
    prefix: 'MDT',
    team: 'platform',
    language: 'Python',
    datastore: 'S3',
    purpose: 'converts proof-of-delivery photos and scans into thumbnails and archival PDFs',
  },
  {
    id: 'search-indexer',
    word: 'search',
    prefix: 'SRI',
    team: 'insights',
    language: 'Java',
    datastore: 'OpenSearch',
    purpose: 'keeps the shipment search index in sync with the order database',
  },
  {
    id: 'report-builder',
    word: 'reports',
    prefix: 'RPB',
    team: 'insights',
    language: 'Python',
    datastore: 'ClickHouse',
    purpose: 'builds scheduled customer reports on delivery performance',
  },
  {
    id: 'telemetry-collector',
    word: 'telemetry',
    prefix: 'TLM',
    team: 'insights',
    language: 'Go',
    datastore: 'ClickHouse',
    purpose: 'aggregates service metrics and traces before they reach long-term storage',
  },
  {
    id: 'forecast-service',
    word: 'forecasting',
    prefix: 'FCS',
    team: 'insights',
    language: 'Python',
    datastore: 'PostgreSQL',
    purpose: 'predicts weekly lane volumes for capacity planning',
  },
  {
    id: 'carrier-connector',
    word: 'carriers',
    prefix: 'CRC',
    team: 'partner',
    language: 'Kotlin',
    datastore: 'PostgreSQL',
    purpose: 'exchanges bookings and status updates with subcontracted carriers over EDI',
  },
  {
    id: 'customs-gateway',
    word: 'customs',
    prefix: 'CSG',
    team: 'partner',
    language: 'Java',
    datastore: 'PostgreSQL',
    purpose: 'files export and import declarations with customs authorities',
  },
  {
    id: 'edi-translator',
    word: 'EDI',
    prefix: 'EDT',
    team: 'partner',
    language: 'Rust',
    datastore: 'S3',
    purpose: 'translates EDIFACT and X12 messages to the internal order format',
  },
  {
    id: 'marketplace-api',
    word: 'marketplace',
    prefix: 'MKT',
    team: 'partner',
    language: 'TypeScript',
    datastore: 'PostgreSQL',
    purpose: 'publishes spare truck capacity to freight marketplaces and accepts bids',
  },
];

export function teamOf(service: Service): Team {
  const team = TEAMS.find((t) => t.id === service.team);
  if (!team) throw new Error(`service ${service.id} has unknown team ${service.team}`);
  return team;
}
