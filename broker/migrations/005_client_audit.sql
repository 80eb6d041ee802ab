-- 005: the client's own audit log (renderer/src/features/audit/auditLog.ts), shipped with POST /audit.
-- One row per client entry, idempotent on (user_id, hash). The client hash-chains its entries per
-- user; the broker checks each new entry's link to that user's previous stored entry and records
-- the result in `chain` ('start' = the user's first entry here, nothing to compare; 'continuous';
-- 'broken' = prev_hash is not the hash of the previous stored entry). A broken link is stored as
-- sent and flagged, never repaired. The broker cannot recompute `hash` itself: it covers sealed
-- fields the client does not send.
CREATE TABLE client_audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  at           TEXT NOT NULL,
  role         TEXT NOT NULL,
  action       TEXT NOT NULL,
  patient      TEXT,
  reason       TEXT,
  hash         TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  chain        TEXT NOT NULL CHECK (chain IN ('start', 'continuous', 'broken')),
  chain_detail TEXT,
  UNIQUE (user_id, hash)
);
CREATE INDEX client_audit_by_patient ON client_audit (patient, at);
CREATE INDEX client_audit_by_user ON client_audit (user_id, id);
