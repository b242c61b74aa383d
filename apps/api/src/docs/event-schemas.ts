import { JOB_STATUSES } from '@switchboard/catalogue';

const event = (type: string, properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['type', ...required],
  properties: { type: { type: 'string', enum: [type] }, ...properties },
});

/** The events of GET /v1/jobs/{id}/events (see libs/streams job-event.types.ts). */
export function eventSchemas(): Record<string, Record<string, unknown>> {
  const status = { type: 'string', enum: [...JOB_STATUSES] };
  return {
    JobEvent: {
      description: 'One server-sent event of a job; the SSE `event:` field is its `type`.',
      oneOf: [
        event('status', { status, attempt: { type: 'integer' }, reason: { type: 'string' } }, [
          'status',
        ]),
        event('progress', { value: { oneOf: [{ type: 'number' }, { type: 'object' }] } }, [
          'value',
        ]),
        event('token', { text: { type: 'string', description: 'model output, in order' } }, [
          'text',
        ]),
        event(
          'tool_call_delta',
          {
            index: { type: 'integer', description: 'which call of the turn' },
            id: { type: 'string' },
            name: { type: 'string' },
            arguments: { type: 'string', description: 'the next piece of the arguments JSON' },
          },
          ['index'],
        ),
        event(
          'tool_call',
          {
            callId: { type: 'string' },
            name: { type: 'string' },
            server: { type: 'string', description: "'local' or the MCP server's name" },
            arguments: {},
            turn: { type: 'integer' },
          },
          ['callId', 'name', 'server', 'turn'],
        ),
        event(
          'tool_result',
          {
            callId: { type: 'string' },
            name: { type: 'string' },
            outcome: {
              type: 'string',
              enum: [
                'ok',
                'error',
                'invalid_arguments',
                'timeout',
                'too_large',
                'loop',
                'interrupted',
              ],
            },
            durationMs: { type: 'number' },
            outputBytes: { type: 'integer' },
            preview: { type: 'string' },
            error: { type: 'string' },
          },
          ['callId', 'name', 'outcome', 'durationMs', 'outputBytes'],
        ),
        event(
          'provider',
          {
            event: {
              type: 'string',
              enum: ['failover', 'restart'],
              description: 'restart: drop the text shown so far, it starts again',
            },
            from: { type: 'string' },
            to: { type: 'string' },
            reason: { type: 'string' },
          },
          ['event', 'from', 'to'],
        ),
        event(
          'budget',
          {
            event: {
              type: 'string',
              enum: ['max_tokens_lowered', 'cut_off', 'refused', 'deferred'],
            },
            detail: { type: 'object' },
          },
          ['event'],
        ),
        event('result', { result: {}, usage: { type: 'object' } }, ['result']),
        event(
          'error',
          {
            error: {
              type: 'object',
              required: ['message'],
              properties: {
                message: { type: 'string' },
                code: { type: 'string' },
                retryable: { type: 'boolean' },
              },
            },
          },
          ['error'],
        ),
        event('end', { status }, ['status']),
      ],
    },
  };
}
