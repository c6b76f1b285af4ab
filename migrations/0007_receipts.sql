-- Receipts apart from the deliveries that carried them (SPEC §14 resolves a receipt id found in a copy
-- to the licensee, credential and first delivery of that copy). A receipt id is fixed per holder, story
-- and version (src/access/receipt.ts), so this table holds one row per distinct copy, not one per
-- delivery: a partner polling every minute adds nothing to it. The index on deliveries.receipt it
-- replaces took a random insert per delivery into a tree the size of the whole ledger, the one ledger
-- cost that grew with the ledger (about 10 µs a row at 50,000 rows, 22 µs at 200,000; 7 µs flat
-- without it, `npm run bench`'s ledger baseline).
CREATE TABLE receipts (
  receipt TEXT NOT NULL,
  licensee TEXT NOT NULL,
  credential_kind TEXT NOT NULL,
  credential TEXT NOT NULL,
  slug TEXT NOT NULL,
  version INTEGER NOT NULL,
  first_at TEXT NOT NULL,
  PRIMARY KEY (receipt, licensee, credential_kind, credential, slug, version)
) WITHOUT ROWID;
INSERT INTO receipts (receipt, licensee, credential_kind, credential, slug, version, first_at)
  SELECT receipt, licensee, credential_kind, credential, slug, version, MIN(at) FROM deliveries
  GROUP BY receipt, licensee, credential_kind, credential, slug, version;
DROP INDEX deliveries_receipt;
