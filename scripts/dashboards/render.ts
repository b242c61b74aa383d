// Builds every dashboard and renders the JSON files grafana/dashboards/ holds.
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { budgetsDashboard } from './budgets.dashboard';
import { llmopsDashboard } from './llmops.dashboard';
import { providerAnalyticsDashboard } from './provider-analytics.dashboard';
import { queuesWorkersDashboard } from './queues-workers.dashboard';

export const DASHBOARDS_DIR = 'grafana/dashboards';

const DASHBOARDS: Record<string, () => Builder<Dashboard>> = {
  'llmops.json': llmopsDashboard,
  'provider-analytics.json': providerAnalyticsDashboard,
  'queues-workers.json': queuesWorkersDashboard,
  'budgets.json': budgetsDashboard,
};

/** A dashboard with the settings every Switchboard dashboard shares, and stable panel ids. */
export function finishDashboard(dashboard: Dashboard): Dashboard {
  return {
    ...dashboard,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    templating: { list: [] },
    annotations: { list: [] },
    panels: (dashboard.panels ?? []).map((panel, index) => ({ ...panel, id: index + 1 })),
  };
}

export function buildDashboards(): Record<string, Dashboard> {
  return Object.fromEntries(
    Object.entries(DASHBOARDS).map(([file, build]) => [file, finishDashboard(build().build())]),
  );
}
