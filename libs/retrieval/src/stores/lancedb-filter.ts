import type { CheckedFilter, RangeBounds } from './retrieval-filter';

/**
 * A checked filter as a LanceDB (DataFusion SQL) `where` predicate. Field names were
 * validated as snake_case and are quoted anyway; strings are single-quoted with quotes
 * doubled; dates are epoch-millisecond integers (the columns are Int64); booleans are
 * Int8 0/1.
 */
export function toLanceWhere(filter: CheckedFilter): string {
  switch (filter.op) {
    case 'and':
    case 'or':
      return `(${filter.filters.map(toLanceWhere).join(filter.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'eq':
      // Boolean columns are Int8 0/1 (see lancedb-rows.ts).
      return `${column(filter.field)} = ${filter.type === 'boolean' ? (filter.value ? 1 : 0) : literal(filter.value)}`;
    case 'in':
      return `${column(filter.field)} IN (${filter.values.map(literal).join(', ')})`;
    case 'range':
      return rangeSql(filter.field, filter.bounds);
    case 'tagsAny':
      return `array_has_any(${column(filter.field)}, make_array(${filter.values.map(literal).join(', ')}))`;
    case 'tagsAll':
      return `array_has_all(${column(filter.field)}, make_array(${filter.values.map(literal).join(', ')}))`;
  }
}

export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('NUL character in a filter string');
  return `'${value.replace(/'/g, "''")}'`;
}

function column(field: string): string {
  return `\`${field.replace(/`/g, '')}\``;
}

function literal(value: string | number | boolean): string {
  if (typeof value === 'string') return sqlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return Number.isInteger(value) ? String(value) : value.toExponential();
}

const OPERATORS: Record<keyof RangeBounds, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

function rangeSql(field: string, bounds: RangeBounds): string {
  const parts = (Object.keys(OPERATORS) as (keyof RangeBounds)[])
    .filter((key) => bounds[key] !== undefined)
    .map((key) => `${column(field)} ${OPERATORS[key]} ${literal(bounds[key] as number)}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}
