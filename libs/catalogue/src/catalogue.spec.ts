import { ALL_MAILBOXES, mailboxName, parseMailbox } from './mailbox';
import { catalogueOpenApiSchemas } from './openapi-schemas';
import { parseJobRequest } from './job-request';
import { ROLES } from './roles';

describe('catalogue', () => {
  it('names one mailbox per role and tier', () => {
    expect(ALL_MAILBOXES).toHaveLength(ROLES.length * 4);
    expect(mailboxName('coder', 1)).toBe('agent.coder.t1');
    expect(parseMailbox('agent.coder.t1')).toEqual({ role: 'coder', tier: 1 });
    expect(parseMailbox('agent.nobody.t1')).toBeUndefined();
    expect(parseMailbox('agent.coder.t9')).toBeUndefined();
  });

  it('accepts a valid chat request and defaults privacy', () => {
    const parsed = parseJobRequest({
      role: 'chat',
      tier: 1,
      input: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(parsed).toEqual({
      ok: true,
      request: expect.objectContaining({ role: 'chat', tier: 1, privacy: false }),
    });
  });

  it('refuses an unknown role or tier listing the valid ones', () => {
    const role = parseJobRequest({ role: 'wizard', tier: 1, input: {} });
    expect(role).toMatchObject({ ok: false, problem: { kind: 'unknown-role-or-tier' } });
    if (!role.ok && role.problem.kind === 'unknown-role-or-tier') {
      expect(role.problem.detail).toContain('planner');
    }
    const tier = parseJobRequest({ role: 'chat', tier: 7, input: {} });
    expect(tier).toMatchObject({ ok: false, problem: { kind: 'unknown-role-or-tier' } });
  });

  it('names the failing input fields', () => {
    const parsed = parseJobRequest({
      role: 'judge',
      tier: 0,
      input: { criteria: '', candidates: ['only one'], extra: 1 },
      priority: 0,
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok && parsed.problem.kind === 'invalid-input') {
      const fields = parsed.problem.errors.map((e) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining(['priority', 'input.criteria', 'input.candidates']),
      );
    }
  });

  it('derives OpenAPI schemas for every role', () => {
    const schemas = catalogueOpenApiSchemas();
    for (const name of ['ChatInput', 'ChatResult', 'CoderJobRequest', 'JudgeResult']) {
      expect(schemas[name]).toHaveProperty('type', 'object');
    }
    expect(JSON.stringify(schemas.ChatInput)).toContain('messages');
  });
});
