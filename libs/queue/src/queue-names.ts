/**
 * One queue per topic, mirroring the pub/sub topics of the original pipeline, plus the two of the
 * ITSM loop. Producer and consumer both take names from here.
 */
export enum QueueName {
  Events = 'events',
  Metrics = 'metrics',
  EntityTopology = 'entity-topology',
  ServiceTopology = 'service-topology',
  Healthcheck = 'healthcheck',
  ItsmUpdates = 'itsm-updates',
  Notifications = 'notifications',
  /** Spec §9: one job per (notification channel, alert change), a digest or a test. */
  ChannelDeliveries = 'channel-deliveries',
  /** Spec §10: a user's action on an alert (ack, unack, resolve, reopen, note), applied by the worker. */
  AlertActions = 'alert-actions',
  /** Scheduled upkeep: stale-adapter checks and retention. */
  Maintenance = 'maintenance',
}

export const ALL_QUEUES = Object.values(QueueName);
