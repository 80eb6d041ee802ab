-- 004: care relationships, the change log other actors and sends write, multidose proposals (M25.2),
-- and whether a read was made under emergency access.

-- Who has a care relationship (tjenstlig behov) with a patient besides the unit rule
-- (patients.data.units): 'gp-org' = the organisation number of the patient's fastlege practice,
-- 'doctor' = the HPR number of a further doctor.
CREATE TABLE care_relations (
  patient TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  kind    TEXT NOT NULL CHECK (kind IN ('gp-org', 'doctor')),
  value   TEXT NOT NULL,
  PRIMARY KEY (patient, kind, value)
);

-- Every change to a patient's national data (a send, a pharmacy lock or dispense, an M25.2, another
-- doctor's new PLL, expiry): what a 409 tells the sender changed since their read, and by whom.
-- `version` is the patient's version after the change.
CREATE TABLE changes (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  patient TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  at      TEXT NOT NULL,
  kind    TEXT NOT NULL,
  actor   TEXT NOT NULL,
  detail  TEXT NOT NULL
);
CREATE INDEX changes_by_patient ON changes (patient, version);

-- Change proposals from the multidose pharmacy (M25.2).
CREATE TABLE pll_proposals (
  id         TEXT PRIMARY KEY,
  patient    TEXT NOT NULL REFERENCES patients (identity_number) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  pharmacy   TEXT NOT NULL,
  data       TEXT NOT NULL CHECK (json_valid(data))
);
CREATE INDEX pll_proposals_by_patient ON pll_proposals (patient, created_at);

ALTER TABLE reads ADD COLUMN emergency_reason TEXT;
