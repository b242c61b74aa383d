/** A labelled set that cannot be used; the message names the file and line. */
export class LabelledSetError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(line === undefined ? `${file}: ${detail}` : `${file} line ${line}: ${detail}`);
    this.name = 'LabelledSetError';
  }
}
