-- Notification channels (spec §9, seed 002): the typed third-party integrations of a customer,
-- one per type, and the record of every delivery to them.

CREATE TYPE "ChannelType" AS ENUM ('PAGER_DUTY', 'SLACK', 'DATADOG', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'HIP_CHAT', 'FLOWDOCK');
CREATE TYPE "ChannelRegion" AS ENUM ('US', 'EU');

-- `secrets` is one AES-256-GCM ciphertext (SECRETS_KEY) of the type's secret fields as JSON.
CREATE TABLE "channel_integrations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" TEXT NOT NULL,
    "type" "ChannelType" NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "secrets" TEXT NOT NULL,
    "region" "ChannelRegion" NOT NULL DEFAULT 'US',
    "min_severity" SMALLINT NOT NULL DEFAULT 4,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channel_integrations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "channel_integrations_min_severity_check" CHECK ("min_severity" BETWEEN 0 AND 5)
);
-- The seed's rule: one configuration per type and customer (a second POST is a 409).
CREATE UNIQUE INDEX "channel_integrations_customer_id_type_key" ON "channel_integrations"("customer_id", "type");
ALTER TABLE "channel_integrations" ADD CONSTRAINT "channel_integrations_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by the worker as it delivers; read newest first per integration (the deliveries route),
-- by idempotency key (a retried job finds its earlier attempt) and by alert (its history).
CREATE TABLE "channel_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "integration_id" UUID NOT NULL,
    "customer_id" TEXT NOT NULL,
    "alert_id" UUID,
    "change" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL,
    "response_code" INTEGER,
    "error" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channel_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "channel_deliveries_recent_idx" ON "channel_deliveries"("integration_id", "created_at" DESC, "id" DESC);
CREATE INDEX "channel_deliveries_key_idx" ON "channel_deliveries"("integration_id", "idempotency_key");
CREATE INDEX "channel_deliveries_alert_idx" ON "channel_deliveries"("alert_id");
ALTER TABLE "channel_deliveries" ADD CONSTRAINT "channel_deliveries_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "channel_integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "channel_deliveries" ADD CONSTRAINT "channel_deliveries_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- A delivery outlives its alert (kept with alert_id null).
ALTER TABLE "channel_deliveries" ADD CONSTRAINT "channel_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
