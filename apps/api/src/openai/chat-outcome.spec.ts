import { outcomeError } from './chat-outcome';

describe('outcomeError', () => {
  it('answers a job refused for its context length as OpenAI would, a 400 on messages', () => {
    const error = outcomeError({
      status: 'failed',
      error: { message: 'too long', code: 'context-length-exceeded' },
    });
    expect(error.getStatus()).toBe(400);
    expect(error.error).toEqual({
      message: 'too long',
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    });
  });

  it('keeps provider failures as server errors and budgets as insufficient_quota', () => {
    const exhausted = outcomeError({
      status: 'failed',
      error: { message: 'x', code: 'providers-exhausted' },
    });
    expect([exhausted.getStatus(), exhausted.error.type]).toEqual([503, 'server_error']);
    const budget = outcomeError({
      status: 'failed',
      error: { message: 'x', code: 'BUDGET_EXCEEDED' },
    });
    expect([budget.getStatus(), budget.error.type]).toEqual([402, 'insufficient_quota']);
  });
});
