-- What the workers persist: alerts and their history, events, metric samples, the topology
-- graph and adapter health. Retention deletes in batches by stored_at / at (see the worker's
-- retention job), hence the indexes on those columns.

CREATE TYPE "AlertState" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

CREATE TABLE "alerts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "envcustomerid" TEXT NOT NULL,
    "entityid" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "parametercategory" TEXT NOT NULL DEFAULT '',
    "parameterid" TEXT NOT NULL,
    "splitby" TEXT NOT NULL DEFAULT '',
    "parametername" TEXT NOT NULL,
    "severity" SMALLINT NOT NULL,
    "previous_severity" SMALLINT,
    "state" "AlertState" NOT NULL,
    "count" INTEGER NOT NULL,
    "firstoccurrence" TIMESTAMPTZ(3) NOT NULL,
    "lastoccurrence" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "description" TEXT,
    "source" TEXT,
    "ticket_sysid" TEXT,
    "ticket_number" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alerts_identity_key" ON "alerts"("envcustomerid", "entityid", "parametercategory", "parameterid", "splitby");
CREATE INDEX "alerts_customer_last_idx" ON "alerts"("envcustomerid", "lastoccurrence" DESC);
CREATE INDEX "alerts_customer_state_last_idx" ON "alerts"("envcustomerid", "state", "lastoccurrence" DESC);
CREATE INDEX "alerts_customer_entity_last_idx" ON "alerts"("envcustomerid", "entityid", "lastoccurrence" DESC);
CREATE INDEX "alerts_customer_ticket_idx" ON "alerts"("envcustomerid", "ticket_sysid");

CREATE TABLE "alert_history" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "from_state" "AlertState",
    "to_state" "AlertState",
    "from_severity" SMALLINT,
    "to_severity" SMALLINT,
    "ieventid" TEXT,
    "actor" TEXT,
    "source" TEXT,
    "note" TEXT,
    CONSTRAINT "alert_history_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "alert_history_alert_id_id_idx" ON "alert_history"("alert_id", "id");
CREATE INDEX "alert_history_at_idx" ON "alert_history"("at");
ALTER TABLE "alert_history" ADD CONSTRAINT "alert_history_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "envcustomerid" TEXT NOT NULL,
    "ieventid" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityid" TEXT NOT NULL,
    "parametercategory" TEXT,
    "parametertype" TEXT,
    "parametername" TEXT NOT NULL,
    "parameterid" TEXT NOT NULL,
    "severity" SMALLINT NOT NULL,
    "description" TEXT,
    "messages" TEXT,
    "firstoccurrence" TIMESTAMPTZ(3) NOT NULL,
    "lastoccurrence" TIMESTAMPTZ(3) NOT NULL,
    "splitby" TEXT,
    "source" TEXT,
    "toolcustomername" TEXT,
    "extra" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "events_identity_key" ON "events"("envcustomerid", "ieventid");
CREATE INDEX "events_customer_entity_last_idx" ON "events"("envcustomerid", "entityid", "lastoccurrence");
CREATE INDEX "events_customer_last_idx" ON "events"("envcustomerid", "lastoccurrence");
CREATE INDEX "events_stored_at_idx" ON "events"("stored_at");

CREATE TABLE "metric_samples" (
    "envcustomerid" TEXT NOT NULL,
    "entityid" TEXT NOT NULL,
    "parameterid" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "tags_key" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "entity" TEXT,
    "parametercategory" TEXT,
    "parametername" TEXT NOT NULL,
    "unit" TEXT,
    "tags" JSONB,
    "extra" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("envcustomerid", "entityid", "parameterid", "ts", "tags_key")
);
CREATE INDEX "metric_samples_stored_at_idx" ON "metric_samples"("stored_at");

CREATE TABLE "topology_entities" (
    "envcustomerid" TEXT NOT NULL,
    "entityid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "attributes" JSONB,
    "extra" JSONB,
    "record_ts" TIMESTAMPTZ(3) NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "topology_entities_pkey" PRIMARY KEY ("envcustomerid", "entityid")
);

CREATE TABLE "entity_relations" (
    "envcustomerid" TEXT NOT NULL,
    "source_entityid" TEXT NOT NULL,
    "target_entityid" TEXT NOT NULL,
    "relationtype" TEXT NOT NULL,
    CONSTRAINT "entity_relations_pkey" PRIMARY KEY ("envcustomerid", "source_entityid", "target_entityid", "relationtype")
);

CREATE TABLE "topology_services" (
    "envcustomerid" TEXT NOT NULL,
    "serviceid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT,
    "attributes" JSONB,
    "extra" JSONB,
    "record_ts" TIMESTAMPTZ(3) NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "topology_services_pkey" PRIMARY KEY ("envcustomerid", "serviceid")
);

CREATE TABLE "service_members" (
    "envcustomerid" TEXT NOT NULL,
    "serviceid" TEXT NOT NULL,
    "entityid" TEXT NOT NULL,
    CONSTRAINT "service_members_pkey" PRIMARY KEY ("envcustomerid", "serviceid", "entityid")
);

CREATE TABLE "service_dependencies" (
    "envcustomerid" TEXT NOT NULL,
    "serviceid" TEXT NOT NULL,
    "depends_on" TEXT NOT NULL,
    CONSTRAINT "service_dependencies_pkey" PRIMARY KEY ("envcustomerid", "serviceid", "depends_on")
);

CREATE TABLE "adapters" (
    "envcustomerid" TEXT NOT NULL,
    "adapterid" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT,
    "status" TEXT NOT NULL,
    "interval" INTEGER NOT NULL,
    "lastseen" TIMESTAMPTZ(3) NOT NULL,
    "message" TEXT,
    "stats" JSONB,
    "extra" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "adapters_pkey" PRIMARY KEY ("envcustomerid", "adapterid")
);
CREATE INDEX "adapters_status_lastseen_idx" ON "adapters"("status", "lastseen");
