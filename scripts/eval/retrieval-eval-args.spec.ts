import {
  DEFAULT_EVAL_DIR,
  DEFAULT_EVAL_K,
  EvalUsageError,
  parseEvalArgs,
} from './retrieval-eval-args';

describe('parseEvalArgs', () => {
  it('defaults to the shipped corpus at k=10', () => {
    expect(parseEvalArgs([])).toEqual({ dir: DEFAULT_EVAL_DIR, k: DEFAULT_EVAL_K, help: false });
  });

  it('reads every option', () => {
    expect(
      parseEvalArgs([
        '--dir',
        '/data/mine',
        '--k',
        '20',
        '--embedding-model',
        'ollama/nomic-embed-text',
        '--rerank-model',
        'cohere-rerank',
        '--json',
        'out.json',
      ]),
    ).toEqual({
      dir: '/data/mine',
      k: 20,
      embeddingModel: 'ollama/nomic-embed-text',
      rerankModel: 'cohere-rerank',
      json: 'out.json',
      help: false,
    });
    expect(parseEvalArgs(['--k=12', '-h'])).toMatchObject({ k: 12, help: true });
  });

  it.each([
    [['--k', 'ten'], '--k must be a whole number, got "ten"'],
    [['--k', '5'], '--k must be between 10 and 25, got 5'],
    [['--k', '26'], '--k must be between 10 and 25, got 26'],
    [['--k', '1.5'], '--k must be a whole number'],
    [['--dir', ' '], '--dir needs a value'],
    [['--json', ''], '--json needs a value'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['corpus'], 'positional'],
    [['--dir'], "Option '--dir <value>' argument missing"],
  ])('refuses %j', (argv, message) => {
    const run = () => parseEvalArgs(argv);
    expect(run).toThrow(EvalUsageError);
    expect(run).toThrow(message);
  });

  it('reads an existing collection, which needs all three options and no --dir', () => {
    expect(
      parseEvalArgs(['--collection', 'c1', '--tenant', 't1', '--queries', 'q.jsonl']),
    ).toMatchObject({ existing: { collectionId: 'c1', tenantId: 't1', queries: 'q.jsonl' } });
    const partial = () => parseEvalArgs(['--collection', 'c1', '--queries', 'q.jsonl']);
    expect(partial).toThrow(EvalUsageError);
    expect(partial).toThrow('needs --collection, --tenant and --queries (missing --tenant)');
    const both = () =>
      parseEvalArgs(['--dir', 'x', '--collection', 'c', '--tenant', 't', '--queries', 'q']);
    expect(both).toThrow('--dir and --collection exclude each other');
  });
});
