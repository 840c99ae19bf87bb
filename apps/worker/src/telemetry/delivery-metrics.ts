import { Counter } from 'prom-client';

const deliveries = new Counter({
  name: 'sluice_deliveries_total',
  help: 'Notification attempts and their outcome, by channel type (DELIVERED, RETRYING, FAILED, REFUSED, HELD, SUMMARISED)',
  labelNames: ['type', 'outcome'],
});

/** Spec §10: every recorded notification channel delivery (one per `channel_deliveries` row). */
export const DeliveryMetrics = {
  recorded(type: string, outcome: string): void {
    deliveries.inc({ type, outcome });
  },
};
