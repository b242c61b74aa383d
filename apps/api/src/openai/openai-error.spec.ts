import { HttpException, UnauthorizedException } from '@nestjs/common';
import { ProblemException } from '../problems/problem';
import { toOpenAiError } from './openai-error';

describe('OpenAI errors', () => {
  it('maps the guards, the body parser and the submission to OpenAI codes', () => {
    expect(
      toOpenAiError(new UnauthorizedException({ code: 'invalid-api-key', detail: 'no' })),
    ).toEqual({
      status: 401,
      body: {
        error: {
          message: 'no',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
      headers: {},
    });
    const limited = new HttpException(
      { code: 'rate-limited', detail: 'slow', retryAfterSeconds: 3 },
      429,
    );
    expect(toOpenAiError(limited).body.error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(toOpenAiError(new ProblemException(413, 'payload-too-large', 'big'))).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    const invalid = new ProblemException(422, 'invalid-input', 'x', {
      errors: [{ field: 'input.messages.0.content', message: 'too long' }],
    });
    expect(toOpenAiError(invalid)).toMatchObject({
      status: 400,
      body: { error: { param: 'input.messages.0.content', code: 'invalid_value' } },
    });
    expect(
      toOpenAiError(new ProblemException(503, 'queue-unavailable', 'down')).body.error,
    ).toMatchObject({
      type: 'server_error',
      code: 'queue_unavailable',
    });
  });

  it('never leaks the message of an unexpected error', () => {
    const mapped = toOpenAiError(new Error('password=hunter2'));
    expect(mapped.status).toBe(500);
    expect(JSON.stringify(mapped)).not.toContain('hunter2');
  });
});
