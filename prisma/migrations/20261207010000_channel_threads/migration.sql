-- An alert's thread on a notification channel (spec §9): which integrations were told that an
-- alert opened (so that its acknowledge and resolve reach them, and only them), the order of the
-- changes planned for it (a change is delivered only after the one before it concluded), and what
-- a later change needs from the first delivery (Slack's message ts and channel, for its thread).
CREATE TABLE "channel_threads" (
    "integration_id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    -- told of a raising change whose acknowledge or resolve is still to come
    "open" BOOLEAN NOT NULL DEFAULT true,
    -- the sequence number of the last change planned, and of the last one concluded
    "planned" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "slack_ts" TEXT,
    "slack_channel" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channel_threads_pkey" PRIMARY KEY ("integration_id", "alert_id")
);
-- Closing changes look threads up by alert.
CREATE INDEX "channel_threads_alert_idx" ON "channel_threads"("alert_id");
ALTER TABLE "channel_threads" ADD CONSTRAINT "channel_threads_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "channel_integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "channel_threads" ADD CONSTRAINT "channel_threads_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
