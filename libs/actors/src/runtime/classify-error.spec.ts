import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { NonRetryableError } from '../actor-errors';
import { classifyError } from './classify-error';

describe('classifyError', () => {
  it('keeps the code of a non-retryable actor error', () => {
    expect(classifyError(new NonRetryableError('no such repo', 'repo-missing'))).toEqual({
      message: 'no such repo',
      code: 'repo-missing',
      retryable: false,
    });
  });

  it("never retries BullMQ's UnrecoverableError", () => {
    expect(classifyError(new UnrecoverableError('broken result'))).toEqual({
      message: 'broken result',
      code: 'non-retryable',
      retryable: false,
    });
  });

  it('reports an input that breaks its schema readably, as a payload that cannot succeed', () => {
    const parsed = z.object({ question: z.string() }).safeParse({ question: 42 });
    const info = classifyError(parsed.error);
    expect(info).toMatchObject({ code: 'invalid-payload', retryable: false });
    expect(info.message).toContain('question');
  });

  it('takes the code and retryability a provider or routing error states about itself', () => {
    const routing = Object.assign(new Error('no model for tier 3'), {
      code: 'no-model-for-tier',
      retryable: false,
    });
    expect(classifyError(routing)).toEqual({
      message: 'no model for tier 3',
      code: 'no-model-for-tier',
      retryable: false,
    });
    const provider = Object.assign(new Error('503'), { code: 'provider-server', retryable: true });
    expect(classifyError(provider)).toMatchObject({ code: 'provider-server', retryable: true });
  });

  it('retries anything else, with a generic code when it has no string code', () => {
    expect(classifyError(new Error('socket hang up'))).toEqual({
      message: 'socket hang up',
      code: 'error',
      retryable: true,
    });
    const numeric = Object.assign(new Error('ECONNRESET'), { code: 104 });
    expect(classifyError(numeric)).toMatchObject({ code: 'error', retryable: true });
    expect(classifyError('thrown string')).toEqual({
      message: 'thrown string',
      code: 'error',
      retryable: true,
    });
  });
});
