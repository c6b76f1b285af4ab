-- The trace index (SPEC §14): the winnowed fingerprints (src/trace/fingerprint.ts) of every story
-- version, written with the version itself on every publish, correction and import.
CREATE TABLE fingerprints (
  hash INTEGER NOT NULL,
  slug TEXT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX fingerprints_hash ON fingerprints (hash);
CREATE INDEX fingerprints_version ON fingerprints (slug, version);
