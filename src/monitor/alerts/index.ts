/**
 * @module monitor/alerts
 * Webhook alerts when a monitoring execution finds violations (the execution record keeps who was told,
 * so an execution never alerts the same webhook twice).
 */
export { postWebhook, type WebhookDelivery, type WebhookOptions } from './webhook.js';
export { alertPayload, type MonitoringAlert } from './payload.js';
