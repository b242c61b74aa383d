import { Module } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';

/** The worker side of alert webhooks: draining `switchboard.webhooks`. */
@Module({ providers: [WebhookDeliveryProcessor] })
export class WebhooksModule {}
