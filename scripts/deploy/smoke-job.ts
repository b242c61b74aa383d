import { DeployFailed } from './deploy-errors';
import type { Colour, DeployOptions } from './deploy-options';
import { sleep } from './process-control';

const FINISHED = ['completed', 'failed', 'cancelled'];

/**
 * A real chat job submitted through the new colour's API (not through nginx) and followed to
 * its end: the colour's API, the queue, a worker and a provider all answered.
 */
export async function runSmokeJob(
  colour: Colour,
  port: number,
  smoke: DeployOptions['smoke'],
): Promise<string> {
  if (!smoke.key)
    throw new DeployFailed('smoke', 'no smoke API key (--smoke-key or DEPLOY_SMOKE_API_KEY)');
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${smoke.key}`, 'content-type': 'application/json' };
  const input = { messages: [{ role: 'user', content: `deploy smoke test of ${colour}` }] };
  const submitted = await fetch(`${base}/v1/jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ role: 'chat', tier: smoke.tier, input }),
  }).catch((error: Error) => {
    throw new DeployFailed('smoke', `submitting the smoke job failed: ${error.message}`);
  });
  const body = (await submitted.json().catch(() => ({}))) as { id?: string; detail?: string };
  if (submitted.status !== 202 || !body.id) {
    throw new DeployFailed('smoke', `smoke job refused: ${submitted.status} ${body.detail ?? ''}`);
  }
  const deadline = Date.now() + smoke.timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/v1/jobs/${body.id}?wait=5`, { headers }).catch(
      () => undefined,
    );
    const job = (await res?.json().catch(() => undefined)) as
      { status: string; error?: { message: string } | null } | undefined;
    if (job && FINISHED.includes(job.status)) {
      if (job.status === 'completed') return body.id;
      const reason = job.error?.message ?? job.status;
      throw new DeployFailed('smoke', `smoke job ${body.id} ended ${job.status}: ${reason}`);
    }
    if (!res) await sleep(500);
  }
  throw new DeployFailed('smoke', `smoke job ${body.id} did not finish in ${smoke.timeoutMs} ms`);
}
