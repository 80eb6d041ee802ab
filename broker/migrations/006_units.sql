-- 006: the nursing-home units (avdelinger) by name, for the roster endpoints (broker/roster.ts).
-- Who lives in a unit stays in patients.data.units (the care rule in care.ts reads it there); this
-- table only gives a unit its name and organisation. A unit a patient names but this table lacks
-- (a database seeded before 006) is still served, under its id, until the next seeding fills it in.
CREATE TABLE units (
  unit_id    TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  org_name   TEXT,
  org_nr     TEXT,
  created_at TEXT NOT NULL
);
