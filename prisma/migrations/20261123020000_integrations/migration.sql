-- Installed ITSM integrations (spec §4).

CREATE TABLE "integrations" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_name" TEXT NOT NULL,
    "display_name" TEXT,
    "inbound_auth_type" TEXT,
    "inbound_role_unique_id" TEXT,
    "inbound_token_hash" TEXT,
    "inbound_map_attributes" JSONB,
    "outbound_map_attributes" JSONB,
    "notifier" JSONB,
    "notifier_secrets" TEXT,
    "has_notifier" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "integrations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "integrations_tenant_id_idx" ON "integrations"("tenant_id");
CREATE UNIQUE INDEX "integrations_inbound_token_hash_key" ON "integrations"("inbound_token_hash");
-- At most one integration with an outbound notifier per tenant (spec §4: a second is a 409).
CREATE UNIQUE INDEX "integrations_one_notifier_per_tenant" ON "integrations"("tenant_id") WHERE "has_notifier";
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
