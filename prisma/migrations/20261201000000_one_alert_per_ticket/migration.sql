-- One ticket, one alert per customer, kept by the database: /gbpipush finds the alert by
-- (customer, ticket sysid), and the application's check alone let two concurrent links through.

-- Alerts that already share a ticket: the one linked last keeps it (by its newest 'ticket'
-- history row), the others lose the link, with a history row that says where the ticket went.
WITH ranked AS (
  SELECT a.id, a.ticket_sysid,
         first_value(a.id) OVER w AS keeper,
         row_number() OVER w AS n
    FROM alerts a
   WHERE a.ticket_sysid IS NOT NULL
  WINDOW w AS (
    PARTITION BY a.envcustomerid, a.ticket_sysid
    ORDER BY (SELECT max(h.id) FROM alert_history h WHERE h.alert_id = a.id AND h.kind = 'ticket') DESC NULLS LAST,
             a.updated_at DESC, a.id
  )
), unlinked AS (
  UPDATE alerts a SET ticket_sysid = NULL, ticket_number = NULL, updated_at = now()
    FROM ranked r
   WHERE r.id = a.id AND r.n > 1
  RETURNING a.id, a.state, a.severity, r.ticket_sysid, r.keeper
)
INSERT INTO alert_history (alert_id, kind, from_state, to_state, from_severity, to_severity, source, note)
SELECT id, 'ticket', state, state, severity, severity, 'migration',
       'unlinked ticket ' || ticket_sysid || ': it is linked to alert ' || keeper
  FROM unlinked;

-- Partial, as the index it replaces (20261129000000_write_path_indexes): only alerts with a
-- ticket are looked up by it, and NULLs never conflict anyway.
DROP INDEX "alerts_customer_ticket_idx";
CREATE UNIQUE INDEX "alerts_customer_ticket_key" ON "alerts"("envcustomerid", "ticket_sysid") WHERE "ticket_sysid" IS NOT NULL;
