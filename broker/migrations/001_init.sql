-- 001: the mock RF + KJ store. Domain records are kept as JSON (typed by shared/model.ts);
-- the columns beside them are what the broker looks up by.

CREATE TABLE patients (
  identity_number TEXT PRIMARY KEY,
  data            TEXT NOT NULL CHECK (json_valid(data)),
  -- bumped on every change to the patient's national data; a read remembers it so that a send
  -- can tell whether anything changed since that read
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

CREATE TABLE prescriptions (
  resept_id  TEXT PRIMARY KEY,
  patient    TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  status     TEXT NOT NULL CHECK (status IN ('E', 'U', 'R', 'T', 'F')),
  data       TEXT NOT NULL CHECK (json_valid(data)),
  updated_at TEXT NOT NULL
);
CREATE INDEX prescriptions_by_patient ON prescriptions (patient, status);

-- Every M25.1 ever stored; the newest per patient is the current PLL.
CREATE TABLE pll_versions (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  patient    TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  author     TEXT CHECK (author IS NULL OR json_valid(author)),
  entries    TEXT NOT NULL CHECK (json_valid(entries))
);
CREATE INDEX pll_versions_by_patient ON pll_versions (patient, seq);

CREATE TABLE dispensings (
  id           TEXT PRIMARY KEY,
  patient      TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  resept_id    TEXT,
  dispensed_at TEXT NOT NULL,
  data         TEXT NOT NULL CHECK (json_valid(data))
);
CREATE INDEX dispensings_by_patient ON dispensings (patient, dispensed_at);

CREATE TABLE critical_info (
  id      TEXT PRIMARY KEY,
  patient TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  data    TEXT NOT NULL CHECK (json_valid(data))
);
CREATE INDEX critical_info_by_patient ON critical_info (patient);

-- One row per $getMedication answered: the Composition identifier a send must relate to.
CREATE TABLE reads (
  read_id         TEXT PRIMARY KEY,
  patient         TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  user_id         TEXT,
  at              TEXT NOT NULL,
  patient_version INTEGER NOT NULL,
  pll_message_id  TEXT,
  -- ReseptIds and LibIds served in this read, JSON arrays: what a send must account for
  resept_ids      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(resept_ids)),
  lib_ids         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(lib_ids))
);
CREATE INDEX reads_by_patient ON reads (patient, at);

-- Who looked at or changed what. No foreign key on patient: failed look-ups of unknown
-- numbers are logged too.
CREATE TABLE audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           TEXT NOT NULL,
  user_id      TEXT,
  user_name    TEXT,
  user_hpr     TEXT,
  role         TEXT,
  organisation TEXT,
  patient      TEXT,
  action       TEXT NOT NULL,
  reason       TEXT,
  read_id      TEXT,
  outcome      TEXT NOT NULL,
  detail       TEXT
);
CREATE INDEX audit_by_patient ON audit (patient, id);
