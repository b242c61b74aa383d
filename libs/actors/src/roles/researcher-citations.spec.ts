import { parseDraftAnswer, retrievedChunks, validateCitations } from './researcher-citations';

const search = (hits: object[], outcome = 'ok') => ({
  name: 'search_collection',
  outcome,
  data: { collection: 'c', query: 'q', hits },
});
const hit = (chunkId: string, text = `text of ${chunkId}`) => ({
  chunkId,
  documentId: chunkId.split('#')[0],
  source: `${chunkId.split('#')[0]}.md`,
  text,
});

describe('researcher citations', () => {
  const retrieved = retrievedChunks([
    search([hit('d1#0', 'Budget pools refuse calls once the hard limit is spent.'), hit('d2#3')]),
    search([hit('d9#9')], 'error'),
    { name: 'calculator', outcome: 'ok', data: { hits: [hit('d8#8')] } },
    search([hit('d3#1')]),
  ]);

  it('collects only the chunks successful search_collection calls returned', () => {
    expect([...retrieved.keys()].sort()).toEqual(['d1#0', 'd2#3', 'd3#1']);
  });

  it('drops citations of chunks not retrieved, keeps each once, takes document and source from the search', () => {
    const citations = validateCitations(
      [
        { chunkId: 'd1#0', quote: 'refuse  calls once' },
        { chunkId: 'd9#9' },
        { chunkId: 'invented#1' },
        { chunkId: 'd1#0' },
        { chunkId: 'd2#3', quote: 'not in the text' },
        { chunkId: 42 },
      ],
      retrieved,
    );
    expect(citations).toEqual([
      { chunkId: 'd1#0', documentId: 'd1', source: 'd1.md', quote: 'refuse  calls once' },
      { chunkId: 'd2#3', documentId: 'd2', source: 'd2.md' },
    ]);
  });

  it('reads a JSON answer (fenced or not) and a plain one citing [chunk ids]', () => {
    expect(
      parseDraftAnswer(
        '```json\n{"answer":"A","citations":["d1#0",{"chunkId":"d3#1"}]}\n```',
        retrieved,
      ),
    ).toEqual({
      answer: 'A',
      citations: [{ chunkId: 'd1#0' }, { chunkId: 'd3#1' }],
    });
    const plain = parseDraftAnswer(
      'Pools refuse calls [d1#0], see also [x#1] and [d2#3].',
      retrieved,
    );
    expect(plain.answer).toContain('Pools refuse');
    expect(plain.citations).toEqual([{ chunkId: 'd1#0' }, { chunkId: 'd2#3' }]);
  });
});
