import { z } from 'zod';
import { LocalTool, type LocalToolHandler } from '../local-tool.decorator';
import type { ToolOutput } from '../tool.types';

const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const input = z.strictObject({
  timeZone: z
    .string()
    .max(64)
    .refine(validZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"')
    .default('UTC')
    .describe('IANA time zone, e.g. "America/New_York" (default UTC)'),
});

/** The offset of `zone` at `at`, as `+02:00`. */
function offsetOf(at: Date, zone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = name?.replace('GMT', '') ?? '';
  return offset === '' ? '+00:00' : offset;
}

/** `2026-12-03T14:05:09` in `zone`. */
function localIso(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

@LocalTool({
  name: 'current_time',
  description: 'The current date and time, in a time zone (default UTC), with its UTC offset.',
  input,
  privacyCompatible: true,
  timeoutMs: 1_000,
})
export class CurrentTimeTool implements LocalToolHandler<typeof input> {
  async run({ timeZone }: z.output<typeof input>): Promise<ToolOutput> {
    const now = new Date();
    const offset = offsetOf(now, timeZone);
    const data = {
      timeZone,
      local: `${localIso(now, timeZone)}${offset}`,
      utc: now.toISOString(),
      weekday: new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(now),
      unixSeconds: Math.floor(now.getTime() / 1000),
    };
    return { content: JSON.stringify(data), data };
  }
}
