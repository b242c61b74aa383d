import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature';

/** A delivery the receiver did not accept: not 2xx, unreachable, or too slow. Retryable. */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

export interface WebhookDelivery {
  url: string;
  /** Sent as is and signed as is: the exact bytes the receiver verifies. */
  body: string;
  secret: string;
  timeoutMs: number;
  /** Headers such as the event name and the delivery id. */
  headers?: Record<string, string>;
  now?: Date;
}

/**
 * POSTs one signed delivery. Each attempt signs with its own timestamp (unix seconds), so
 * receivers can refuse old ones. Redirects are not followed: they would let a URL that passed
 * validation lead somewhere else. Anything but 2xx throws WebhookDeliveryError.
 */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<number> {
  const where = webhookOrigin(delivery.url);
  const timestamp = String(Math.floor((delivery.now ?? new Date()).getTime() / 1000));
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(delivery.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        ...delivery.headers,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(delivery.secret, timestamp, delivery.body),
      },
      body: delivery.body,
    });
  } catch (error) {
    const cause = error as Error;
    const why =
      cause.name === 'TimeoutError' ? `no answer in ${delivery.timeoutMs} ms` : cause.message;
    throw new WebhookDeliveryError(`webhook ${where} failed: ${why}`);
  }
  // The receiver's answer is not needed; release the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new WebhookDeliveryError(`webhook ${where} answered ${response.status}`, response.status);
  }
  return response.status;
}

/** Webhook URLs often carry a token in their path (chat services do): log the origin only. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
