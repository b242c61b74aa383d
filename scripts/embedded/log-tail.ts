import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` lines of a log file, for error messages; empty if it cannot be read. */
export function tailFile(file: string, lines = 20): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // Logs grow across runs; the end is all an error message needs.
    const size = fstatSync(fd).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
