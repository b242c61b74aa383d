// The datasources grafana/provisioning/datasources/switchboard.yml provisions. Panels name them
// by uid, so a dashboard never depends on a datasource's display name.
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
export const POSTGRES: DataSourceRef = {
  type: 'grafana-postgresql-datasource',
  uid: 'switchboard-postgres',
};

export const PROVISIONED_UIDS = [PROMETHEUS.uid, POSTGRES.uid] as const;
