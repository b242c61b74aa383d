// Shared panel helpers: every dashboard is built from these, so queries, legends, units and
// layout look the same everywhere. A panel's queries all use one datasource (no mixed panels).
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/common';
import {
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Panel,
  type Threshold,
  type ThresholdsConfig,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { POSTGRES, PROMETHEUS } from './datasources';
import { SqlQueryBuilder, type SqlFormat } from './sql-query.builder';

/** One query of a panel, not yet given its refId. */
export interface QuerySpec {
  datasource: DataSourceRef;
  build(refId: string): Builder<Dataquery>;
}

/**
 * A PromQL query. Only Grafana's `$__rate_interval`, `$__interval` and `$__range` may appear:
 * no dashboard variables, so every query runs as written.
 */
export function prom(
  expr: string,
  legend = '__auto',
  kind: 'range' | 'instant' = 'range',
): QuerySpec {
  return {
    datasource: PROMETHEUS,
    build: (refId) => {
      const query = new DataqueryBuilder()
        .refId(refId)
        .datasource(PROMETHEUS)
        .editorMode(QueryEditorMode.Code)
        .expr(expr)
        .legendFormat(legend);
      return kind === 'instant' ? query.instant() : query.range();
    },
  };
}

/** An instant PromQL query (stat and table panels: one value per series at the range's end). */
export function promInstant(expr: string, legend = '__auto'): QuerySpec {
  return prom(expr, legend, 'instant');
}

/**
 * A SQL query on the PostgreSQL datasource. Only the macros `$__timeFilter(col)`,
 * `$__timeFrom()`, `$__timeTo()` and `$__timeGroupAlias(col, interval)` may appear.
 */
export function sql(rawSql: string, format: SqlFormat = 'table'): QuerySpec {
  return {
    datasource: POSTGRES,
    build: (refId) => new SqlQueryBuilder(rawSql).refId(refId).format(format),
  };
}

export interface PanelSpec {
  title: string;
  description: string;
  unit?: string;
  /** Grid width, of 24. */
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: Threshold[];
  mappings?: ValueMapping[];
}

function datasourceOf(title: string, queries: QuerySpec[]): DataSourceRef {
  if (queries.length === 0) throw new Error(`panel "${title}" has no query`);
  const [first] = queries;
  if (queries.some((q) => q.datasource.uid !== first.datasource.uid)) {
    throw new Error(`panel "${title}" mixes datasources`);
  }
  return first.datasource;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

interface CommonPanelBuilder {
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: DataSourceRef): this;
  withTarget(target: Builder<Dataquery>): this;
  height(h: number): this;
  span(w: number): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  decimals(decimals: number): this;
  thresholds(thresholds: Builder<ThresholdsConfig>): this;
  mappings(mappings: ValueMapping[]): this;
}

function apply<T extends CommonPanelBuilder>(builder: T, spec: PanelSpec, queries: QuerySpec[]): T {
  builder
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceOf(spec.title, queries))
    .height(spec.height ?? 8)
    .span(spec.width ?? 12);
  queries.forEach((q, i) => builder.withTarget(q.build(REF_IDS[i])));
  if (spec.unit !== undefined) builder.unit(spec.unit);
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.decimals !== undefined) builder.decimals(spec.decimals);
  if (spec.mappings !== undefined) builder.mappings(spec.mappings);
  builder.thresholds(
    new ThresholdsConfigBuilder()
      .mode(ThresholdsMode.Absolute)
      .steps(spec.thresholds ?? [{ value: null, color: 'green' }]),
  );
  return builder;
}

export interface TimeSeriesSpec extends PanelSpec {
  stacked?: boolean;
  /** Draw bars (counts per interval) instead of lines. */
  bars?: boolean;
}

export function timeSeries(spec: TimeSeriesSpec, ...queries: QuerySpec[]): Builder<Panel> {
  const panel = apply(new TimeseriesPanelBuilder(), spec, queries)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .fillOpacity(spec.stacked ? 30 : 10)
    .lineWidth(1);
  if (spec.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (spec.bars) panel.drawStyle(GraphDrawStyle.Bars).fillOpacity(60);
  return panel;
}

export function stat(spec: PanelSpec, ...queries: QuerySpec[]): Builder<Panel> {
  return apply(new StatPanelBuilder(), { width: 6, height: 5, ...spec }, queries)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value);
}

export function table(spec: PanelSpec, ...queries: QuerySpec[]): Builder<Panel> {
  return apply(new TablePanelBuilder(), spec, queries).filterable(true);
}

/** Value mappings for a gauge that encodes states as numbers (0, 1, 2...). */
export function stateMappings(
  states: Record<number, { text: string; color: string }>,
): ValueMapping[] {
  const options = Object.fromEntries(
    Object.entries(states).map(([value, result], index) => [value, { ...result, index }]),
  );
  return [{ type: MappingType.ValueToText, options }];
}

/** Grafana's unit for dollars: queries divide micro-dollars by 1e6 first. */
export const USD = 'currencyUSD';
