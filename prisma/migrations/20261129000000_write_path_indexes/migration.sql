-- Cheaper writes on the tables every event touches. An alert update changes lastoccurrence, so
-- it can never be a HOT update: each index on alerts costs one more index insertion per event
-- batch row. Measured in BENCHMARKS.md (drain) and docs/query-plans.md.

-- The entity filter of the alert list is served by the identity key's (envcustomerid, entityid)
-- prefix; a customer has few alerts per entity, so sorting them is cheap.
DROP INDEX "alerts_customer_entity_last_idx";

-- Only alerts with a ticket are ever looked up by ticket.
DROP INDEX "alerts_customer_ticket_idx";
CREATE INDEX "alerts_customer_ticket_idx" ON "alerts"("envcustomerid", "ticket_sysid") WHERE "ticket_sysid" IS NOT NULL;

-- Retention scans by time only, and rows arrive roughly in time order: a BRIN index serves
-- those scans at a fraction of a B-tree's write cost.
DROP INDEX "events_stored_at_idx";
CREATE INDEX "events_stored_at_idx" ON "events" USING BRIN ("stored_at");
DROP INDEX "metric_samples_stored_at_idx";
CREATE INDEX "metric_samples_stored_at_idx" ON "metric_samples" USING BRIN ("stored_at");
DROP INDEX "alert_history_at_idx";
CREATE INDEX "alert_history_at_idx" ON "alert_history" USING BRIN ("at");
