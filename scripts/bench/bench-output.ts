// Progress and results go through the stdout write captured here, so the log sink of the
// "logs on" leg (which swaps process.stdout.write) never swallows them.
const write = process.stdout.write.bind(process.stdout);

export function say(line: string): void {
  write(`${line}\n`);
}

export function progress(line: string): void {
  say(`[bench] ${line}`);
}

export const fixed = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : 'n/a';

export const ratio = (value: number, base: number): string =>
  base > 0 && Number.isFinite(value) ? `${fixed(value / base, 2)}×` : 'n/a';

export const megabytes = (bytes: number | undefined): string =>
  bytes === undefined ? 'n/a' : `${fixed(bytes / 1024 / 1024, 0)} MB`;

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
