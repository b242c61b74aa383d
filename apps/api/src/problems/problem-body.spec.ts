import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ProblemException } from './problem';
import { toProblem } from './problem-body';

describe('toProblem', () => {
  it('keeps code, detail and extensions of a ProblemException', () => {
    const problem = toProblem(
      new ProblemException(422, 'invalid-input', 'bad', { errors: [1] }),
      '/v1/jobs',
    );
    expect(problem).toEqual({
      type: 'https://switchboard.dev/problems/invalid-input',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'bad',
      instance: '/v1/jobs',
      code: 'invalid-input',
      errors: [1],
    });
  });

  it('accepts guards that throw { code, detail }', () => {
    const problem = toProblem(
      new UnauthorizedException({ code: 'invalid-api-key', detail: 'nope' }),
    );
    expect(problem).toMatchObject({ status: 401, code: 'invalid-api-key', detail: 'nope' });
  });

  it("maps Nest's own exceptions", () => {
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, code: 'not-found' });
  });

  it('hides the message of unknown errors', () => {
    const problem = toProblem(new Error('password=hunter2 at db.ts:12'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});
