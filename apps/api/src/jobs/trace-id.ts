const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace id of a W3C `traceparent` header, so a job's invocation-log rows join the
 * caller's trace. A malformed or all-zero header is ignored, as the spec asks.
 */
export function traceIdFrom(traceparent: string | undefined): string | undefined {
  const match = traceparent?.trim().toLowerCase().match(TRACEPARENT);
  if (!match || /^0+$/.test(match[1])) return undefined;
  return match[1];
}
