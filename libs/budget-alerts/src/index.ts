// Budget alerts: where crossed thresholds go. Recorded once (budget_alerts), counted
// (switchboard_budget_alerts_total), and POSTed to the pool's webhook, signed and retried.
export { BudgetAlertsModule } from './budget-alerts.module';
export { BudgetAlertSinkService } from './budget-alert.sink';
export { budgetAlertsTotal, webhookDeliveriesTotal } from './budget-alert.metrics';
export {
  BUDGET_ALERT_EVENT,
  budgetAlertId,
  toBudgetAlertPayload,
  type BudgetAlertPayload,
} from './budget-alert.payload';
export { WEBHOOKS_QUEUE, WEBHOOK_JOB_OPTIONS, type WebhookJobData } from './webhook-queue';
export {
  WebhookDeliveryError,
  deliverWebhook,
  webhookOrigin,
  type WebhookDelivery,
} from './webhook-delivery';
export {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhook,
  verifyWebhookSignature,
} from './webhook-signature';
