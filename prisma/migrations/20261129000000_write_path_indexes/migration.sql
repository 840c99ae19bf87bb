-- Cheaper writes on the tables every event touches. An alert update changes lastoccurrence, so
-- it can never be a HOT update: each index on alerts costs one more index insertion per event
-- row it updates. Measured in BENCHMARKS.md (drain); plans in docs/query-plans.md.

-- The entity filter of the alert list is served by the identity key's (envcustomerid, entityid)
-- prefix; a customer has few alerts per entity, so sorting them is cheap.
DROP INDEX "alerts_customer_entity_last_idx";

-- Only alerts with a ticket are ever looked up by ticket.
DROP INDEX "alerts_customer_ticket_idx";
CREATE INDEX "alerts_customer_ticket_idx" ON "alerts"("envcustomerid", "ticket_sysid") WHERE "ticket_sysid" IS NOT NULL;
