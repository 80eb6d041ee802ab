-- 002: mock HelseID signing keys and $sendMedication results (idempotency).

-- The key pair the mock HelseID signs tokens with: one per database, so tokens survive a restart
-- of the same broker and are refused by another. Test keys only, stored in the clear.
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  alg         TEXT NOT NULL,
  private_jwk TEXT NOT NULL CHECK (json_valid(private_jwk)),
  public_jwk  TEXT NOT NULL CHECK (json_valid(public_jwk)),
  created_at  TEXT NOT NULL
);

-- One row per accepted $sendMedication, keyed by the client's Idempotency-Key: a retry with the
-- same key and the same body gets the stored answer instead of a second send.
CREATE TABLE sends (
  idempotency_key TEXT PRIMARY KEY,
  patient         TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  read_id         TEXT NOT NULL,
  user_id         TEXT,
  request_hash    TEXT NOT NULL,
  status          INTEGER NOT NULL,
  response        TEXT NOT NULL CHECK (json_valid(response)),
  at              TEXT NOT NULL
);
CREATE INDEX sends_by_patient ON sends (patient, at);
