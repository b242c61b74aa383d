import type { ApiResponseOptions } from '@nestjs/swagger';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** One documented response listing the problem statuses an operation can answer. */
export function problemResponses(...statuses: number[]): ApiResponseOptions {
  return {
    status: 'default' as never,
    description: `Errors (${statuses.join(', ')}) as RFC 9457 application/problem+json`,
    content: { 'application/problem+json': { schema: ref('Problem') } },
  };
}
