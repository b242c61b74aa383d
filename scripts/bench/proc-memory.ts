import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now (VmRSS), in bytes. */
  rss: number | undefined;
  /** Peak resident set size (VmHWM), in bytes. */
  peak: number | undefined;
}

function field(status: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Memory of a process from /proc (Linux); undefined figures elsewhere. */
export function processMemory(pid: number | 'self'): ProcessMemory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: field(status, 'VmRSS'), peak: field(status, 'VmHWM') };
  } catch {
    return pid === 'self'
      ? { rss: process.memoryUsage().rss, peak: undefined }
      : { rss: undefined, peak: undefined };
  }
}
