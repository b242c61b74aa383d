import { parseWinner } from './judge.actor';
import { parseSteps } from './planner.actor';
import { parseVerdict } from './reviewer.actor';

describe('role answer parsers', () => {
  it('reads numbered steps, falling back to the whole answer', () => {
    expect(parseSteps('1. plan\n2) build\nnoise\n3. ship', 2)).toEqual(['plan', 'build']);
    expect(parseSteps('just do it', 5)).toEqual(['just do it']);
  });

  it('reads a verdict, defaulting to comment', () => {
    expect(parseVerdict('looks fine\nVERDICT: approve')).toBe('approve');
    expect(parseVerdict('VERDICT: Request_Changes')).toBe('request_changes');
    expect(parseVerdict('no verdict')).toBe('comment');
  });

  it('reads a winner only when it names a candidate', () => {
    expect(parseWinner('WINNER: 2', 3)).toBe(2);
    expect(parseWinner('WINNER: 9', 3)).toBe(0);
    expect(parseWinner('undecided', 3)).toBe(0);
  });
});
