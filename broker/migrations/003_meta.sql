-- 003: facts about the store itself, e.g. when the demo data was seeded (the renderer builds the
-- demo local lists with the same "now", so their dates match what RF returns).
CREATE TABLE meta (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
