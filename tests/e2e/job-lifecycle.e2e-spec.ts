import { Queue } from 'bullmq';
import { redisOptionsFromUrl } from '@switchboard/redis';
import { chatInput, createTenant, waitForJob } from '../support/http-client';
import { usePlatform } from '../support/platform';

describe('a job from submission to result', () => {
  const platform = usePlatform();

  let key: string;

  beforeAll(async () => {
    ({ key } = await createTenant(platform.http, 'acme'));
  });

  it('submits, processes and reads the result', async () => {
    const submitted = await platform.http('POST', '/v1/jobs', {
      key,
      body: { role: 'chat', tier: 1, input: chatInput() },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/v1/jobs/${submitted.body.id}`);
    const job = await waitForJob(platform.http, key, submitted.body.id);
    expect(job.status).toBe('completed');
    expect(job.result.provider).toBe('simulated');
    expect(job.result.text).toMatch(/^Simulated:/);
    expect(job.usage.outputTokens).toBe(job.result.usage.outputTokens);
    expect(job.attempts).toEqual({ made: 1, max: 3 });
    // The record says completed a moment before the worker's end line reaches us.
    await platform.worker.waitFor(
      new RegExp(`end agent\\.chat\\.t1 ${job.id} attempt 1 completed in`),
    );
  });

  it('carries priority and privacy to the record and to BullMQ', async () => {
    const body = { role: 'chat', tier: 0, priority: 5, privacy: true, input: chatInput('private') };
    const submitted = await platform.http('POST', '/v1/jobs', { key, body });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ priority: 5, privacy: true, tier: 0 });
    const job = await waitForJob(platform.http, key, submitted.body.id);
    expect(job).toMatchObject({ status: 'completed', priority: 5, privacy: true });
    expect(job.result.model).toBe('simulated-local');
    const queue = new Queue('agent.chat.t0', {
      connection: redisOptionsFromUrl(platform.env.env.REDIS_URL),
      prefix: platform.env.env.QUEUE_PREFIX,
    });
    try {
      const bull = await queue.getJob(job.id);
      expect(bull?.opts.priority).toBe(5);
      expect(bull?.data).toMatchObject({ privacy: true, tier: 0, role: 'chat' });
    } finally {
      await queue.close();
    }
  });
});
