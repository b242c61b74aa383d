import { BUILT_IN_FIELDS, type FieldSchema } from './collection-schema';
import { toLanceWhere } from './lancedb-filter';
import { toQdrantFilter } from './qdrant-filter';
import { checkFilter, type RetrievalFilter } from './retrieval-filter';
import { RetrievalFilterError } from './store-errors';

const fields: FieldSchema = {
  ...BUILT_IN_FIELDS,
  priority: 'number',
  pinned: 'boolean',
  labels: 'tags',
};
const JAN = Date.parse('2024-01-01T00:00:00Z');

const lance = (filter: RetrievalFilter) => toLanceWhere(checkFilter(filter, fields));
const qdrant = (filter: RetrievalFilter) => toQdrantFilter(checkFilter(filter, fields));

describe('checkFilter', () => {
  it('converts dates to epoch milliseconds', () => {
    expect(
      checkFilter({ op: 'range', field: 'created_at', gte: '2024-01-01', lt: JAN + 1000 }, fields),
    ).toEqual({
      op: 'range',
      field: 'created_at',
      type: 'datetime',
      bounds: { gte: JAN, lt: JAN + 1000 },
    });
  });

  const invalid: [RetrievalFilter, string, RegExp][] = [
    [{ op: 'eq', field: 'nope', value: 'x' }, 'nope', /not a filterable field/],
    [{ op: 'eq', field: '__proto__', value: 'x' }, '__proto__', /not a filterable field/],
    [{ op: 'eq', field: 'priority', value: '1' }, 'priority', /finite number/],
    [{ op: 'eq', field: 'priority', value: Number.POSITIVE_INFINITY }, 'priority', /finite number/],
    [{ op: 'eq', field: 'pinned', value: 'true' }, 'pinned', /boolean/],
    [{ op: 'in', field: 'pinned', values: ['x'] }, 'pinned', /keyword and number/],
    [{ op: 'range', field: 'source', gt: 1 }, 'source', /number and datetime/],
    [{ op: 'range', field: 'priority' }, 'priority', /without bounds/],
    [{ op: 'range', field: 'created_at', gt: 'last week' }, 'created_at', /ISO-8601/],
    [{ op: 'tagsAll', field: 'doc_type', values: ['a'] }, 'doc_type', /tags fields/],
    [{ op: 'tagsAny', field: 'labels', values: [] }, 'labels', /non-empty/],
    [{ op: 'eq', field: 'labels', value: 'a' }, 'labels', /tagsAny or tagsAll/],
    [{ op: 'or', filters: [] }, '(or)', /at least one/],
  ];

  it.each(invalid)('rejects %j naming the field', (filter, field, reason) => {
    let error: unknown;
    try {
      checkFilter(filter, fields);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetrievalFilterError);
    expect(error).toMatchObject({ field, httpStatus: 400 });
    expect((error as Error).message).toMatch(reason);
  });

  it('rejects an unknown operator and filters nested too deep', () => {
    expect(() =>
      checkFilter({ op: 'like', field: 'source' } as unknown as RetrievalFilter, fields),
    ).toThrow(RetrievalFilterError);
    let deep: RetrievalFilter = { op: 'eq', field: 'source', value: 'x' };
    for (let i = 0; i < 10; i++) deep = { op: 'and', filters: [deep] };
    expect(() => checkFilter(deep, fields)).toThrow(/nested deeper/);
  });
});

describe('toLanceWhere', () => {
  it('translates every operator', () => {
    expect(lance({ op: 'eq', field: 'doc_type', value: 'note' })).toBe("`doc_type` = 'note'");
    expect(lance({ op: 'eq', field: 'priority', value: 2.5 })).toBe('`priority` = 2.5e+0');
    expect(lance({ op: 'eq', field: 'pinned', value: false })).toBe('`pinned` = 0');
    expect(lance({ op: 'in', field: 'priority', values: [1, 2] })).toBe('`priority` IN (1, 2)');
    expect(lance({ op: 'range', field: 'created_at', gte: '2024-01-01', lt: '2024-02-01' })).toBe(
      `(\`created_at\` >= ${JAN} AND \`created_at\` < ${Date.parse('2024-02-01')})`,
    );
    expect(lance({ op: 'range', field: 'priority', gt: -1 })).toBe('`priority` > -1');
    expect(lance({ op: 'tagsAny', field: 'labels', values: ['a', 'b'] })).toBe(
      "array_has_any(`labels`, make_array('a', 'b'))",
    );
    expect(lance({ op: 'tagsAll', field: 'tags', values: ['a'] })).toBe(
      "array_has_all(`tags`, make_array('a'))",
    );
    expect(
      lance({
        op: 'or',
        filters: [
          { op: 'eq', field: 'source', value: 'x' },
          {
            op: 'and',
            filters: [
              { op: 'eq', field: 'source', value: 'y' },
              { op: 'eq', field: 'pinned', value: true },
            ],
          },
        ],
      }),
    ).toBe("(`source` = 'x' OR (`source` = 'y' AND `pinned` = 1))");
  });

  it('escapes quotes and keeps unicode, and refuses NUL', () => {
    expect(lance({ op: 'eq', field: 'source', value: "o'reilly' OR 1=1 --" })).toBe(
      "`source` = 'o''reilly'' OR 1=1 --'",
    );
    expect(lance({ op: 'in', field: 'document_id', values: ['Zürich', '東京'] })).toBe(
      "`document_id` IN ('Zürich', '東京')",
    );
    expect(() => lance({ op: 'eq', field: 'source', value: 'a\u0000b' })).toThrow(/NUL/);
  });
});

describe('toQdrantFilter', () => {
  it('translates every operator onto the payload layout', () => {
    expect(qdrant({ op: 'eq', field: 'doc_type', value: 'note' })).toEqual({
      must: [{ key: 'metadata.doc_type', match: { value: 'note' } }],
    });
    expect(qdrant({ op: 'in', field: 'document_id', values: ['d1', 'd2'] })).toEqual({
      must: [{ key: 'document_id', match: { any: ['d1', 'd2'] } }],
    });
    expect(qdrant({ op: 'range', field: 'created_at', gte: '2024-01-01', lt: JAN + 1 })).toEqual({
      must: [
        {
          key: 'metadata.created_at',
          range: { gte: '2024-01-01T00:00:00.000Z', lt: '2024-01-01T00:00:00.001Z' },
        },
      ],
    });
    expect(qdrant({ op: 'eq', field: 'updated_at', value: '2024-01-01' })).toEqual({
      must: [
        {
          key: 'metadata.updated_at',
          range: { gte: '2024-01-01T00:00:00.000Z', lte: '2024-01-01T00:00:00.000Z' },
        },
      ],
    });
    expect(qdrant({ op: 'range', field: 'priority', gt: 1, lte: 3 })).toEqual({
      must: [{ key: 'metadata.priority', range: { gt: 1, lte: 3 } }],
    });
    expect(qdrant({ op: 'tagsAny', field: 'tags', values: ['a', 'b'] })).toEqual({
      must: [{ key: 'metadata.tags', match: { any: ['a', 'b'] } }],
    });
    expect(qdrant({ op: 'tagsAll', field: 'labels', values: ['a', 'b'] })).toEqual({
      must: [
        {
          must: [
            { key: 'metadata.labels', match: { value: 'a' } },
            { key: 'metadata.labels', match: { value: 'b' } },
          ],
        },
      ],
    });
    expect(
      qdrant({
        op: 'or',
        filters: [
          { op: 'eq', field: 'pinned', value: true },
          { op: 'and', filters: [{ op: 'eq', field: 'priority', value: 1 }] },
        ],
      }),
    ).toEqual({
      should: [
        { key: 'metadata.pinned', match: { value: true } },
        { must: [{ key: 'metadata.priority', match: { value: 1 } }] },
      ],
    });
  });
});
