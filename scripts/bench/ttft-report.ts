import { fixed, megabytes } from './bench-output';
import type { TtftLegResult } from './ttft.leg';

/** The aim of the issue: the platform adds less than this to the median time to first token. */
const AIM_MS = 5;

const ms = (value: number) => `${fixed(value, 2)} ms`;

/** Time to first token through Switchboard against the fake called directly; SSE fan-out. */
export function renderTtftSection(r: TtftLegResult): string {
  const { direct, switchboard, fanout: f } = r;
  const added = switchboard.medianMs - direct.medianMs;
  return [
    '## Time to first token (submit → worker → provider → Redis → SSE)',
    '',
    `Fake OpenAI server in a child process, ${r.tokenDelayMs} ms between tokens; API and worker ` +
      `as child processes; STREAM_COALESCE_MS ${r.coalesceMs}. Calls are sequential and ` +
      'interleaved in rounds of 10.',
    '',
    '| path | calls | median | p99 | mean |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| openai SDK → fake (first content delta) | ${direct.calls} | ${ms(direct.medianMs)} | ` +
      `${ms(direct.p99Ms)} | ${ms(direct.meanMs)} |`,
    `| POST /v1/jobs → first \`token\` on SSE | ${switchboard.calls} | ` +
      `${ms(switchboard.medianMs)} | ${ms(switchboard.p99Ms)} | ${ms(switchboard.meanMs)} |`,
    '',
    `Added at the median: **${ms(added)}** (aim < ${AIM_MS} ms: ` +
      `${added < AIM_MS ? 'met' : 'NOT met'}); at p99: ${ms(switchboard.p99Ms - direct.p99Ms)}.`,
    '',
    `### ${fixed(f.subscribers)} concurrent SSE subscribers`,
    '',
    `${f.jobs} jobs of ${f.tokensPerJob} tokens each, subscribers spread evenly, all ` +
      `connected in ${ms(f.connectMs)}; window ${fixed(f.windowMs / 1000, 2)} s (first submit ` +
      'to the last `end`).',
    '',
    '| subscribers with every token | API RSS before | after | peak (sampled) | API CPU in window |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${f.complete} / ${f.subscribers} | ${megabytes(f.apiRssBefore)} | ` +
      `${megabytes(f.apiRssAfter)} | ${megabytes(f.apiRssPeak)} | ` +
      `${f.apiCpuS === undefined ? 'n/a' : `${fixed(f.apiCpuS, 2)} s`} |`,
  ].join('\n');
}
