// The foundation SDK has no builder for the PostgreSQL datasource's query: this is that builder,
// producing the target Grafana's SQL query editor saves in code mode.
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { POSTGRES } from './datasources';

export type SqlFormat = 'table' | 'time_series';

export interface SqlDataquery extends Dataquery {
  refId: string;
  datasource: DataSourceRef;
  editorMode: 'code';
  rawQuery: true;
  format: SqlFormat;
  rawSql: string;
}

export class SqlQueryBuilder implements Builder<Dataquery> {
  private refIdValue = 'A';
  private formatValue: SqlFormat = 'table';

  constructor(private readonly sql: string) {}

  refId(refId: string): this {
    this.refIdValue = refId;
    return this;
  }

  format(format: SqlFormat): this {
    this.formatValue = format;
    return this;
  }

  build(): SqlDataquery {
    return {
      _implementsDataqueryVariant: () => undefined,
      refId: this.refIdValue,
      datasource: POSTGRES,
      editorMode: 'code',
      rawQuery: true,
      format: this.formatValue,
      rawSql: this.sql.trim(),
    };
  }
}
