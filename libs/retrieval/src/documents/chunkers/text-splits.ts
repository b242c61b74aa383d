// Splits of a text whose pieces, concatenated, give the text back (separators stay attached).

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Paragraphs: cut after each run of blank lines. */
export const splitParagraphs = (text: string): string[] =>
  text.split(/(?<=\n[ \t]*\n)(?=[ \t]*\S)/).filter((p) => p !== '');

/** Sentences, by the Unicode sentence rules (Intl.Segmenter). */
export const splitSentences = (text: string): string[] =>
  Array.from(sentenceSegmenter.segment(text), (s) => s.segment);

/** Words, each with the whitespace that follows it. */
export const splitWords = (text: string): string[] =>
  text.split(/(?<=\s)(?=\S)/).filter((w) => w !== '');

/** Lines, each with its newline. */
export const splitLines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== '');
