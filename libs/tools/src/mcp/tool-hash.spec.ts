import { canonicalJson, hashToolDefinition } from './tool-hash';

describe('tool definition hash', () => {
  const definition = {
    name: 'read',
    description: 'Reads a file',
    inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    annotations: { readOnlyHint: true },
  };

  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });

  it('is the same for the same definition written in another key order', () => {
    const reordered = {
      annotations: { readOnlyHint: true },
      inputSchema: { required: ['path'], properties: { path: { type: 'string' } }, type: 'object' },
      description: 'Reads a file',
      name: 'read',
    };
    expect(hashToolDefinition(reordered)).toBe(hashToolDefinition(definition));
    expect(hashToolDefinition(definition)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the description, schema or annotations change', () => {
    const base = hashToolDefinition(definition);
    expect(hashToolDefinition({ ...definition, description: 'Reads any file' })).not.toBe(base);
    expect(
      hashToolDefinition({
        ...definition,
        inputSchema: { ...definition.inputSchema, required: [] },
      }),
    ).not.toBe(base);
    expect(hashToolDefinition({ ...definition, annotations: {} })).not.toBe(base);
  });
});
