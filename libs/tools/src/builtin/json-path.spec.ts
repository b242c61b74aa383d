import { JsonPathError, queryJson } from './json-path';

const doc = {
  store: {
    items: [
      { id: 1, name: 'pen', price: 2, tags: ['a'] },
      { id: 2, name: 'book', price: 12 },
      { id: 3, name: 'lamp', price: 30, sale: true },
    ],
    'the owner': { name: 'Ada' },
  },
};

describe('json_query paths', () => {
  it.each([
    ['$.store.items[0].name', ['pen']],
    ['store.items[-1].id', [3]],
    ['$.store.items[*].id', [1, 2, 3]],
    ['$.store.items[0:2].name', ['pen', 'book']],
    ["$.store['the owner'].name", ['Ada']],
    ['$.store.items[?(@.price < 10)].name', ['pen']],
    ['$.store.items[?(@.price >= 12)].id', [2, 3]],
    ['$.store.items[?(@.name == "book")].price', [12]],
    ['$.store.items[?(@.sale)].name', ['lamp']],
    ['$..price', [2, 12, 30]],
    ['$.store.missing', []],
  ])('%s', (path, expected) => {
    expect(queryJson(doc, path)).toEqual(expected);
  });

  it('refuses paths it cannot read', () => {
    expect(() => queryJson(doc, '$.store.items[?(@.price ~ 3)]')).toThrow(JsonPathError);
    expect(() => queryJson(doc, '$.store items')).toThrow(JsonPathError);
  });
});
