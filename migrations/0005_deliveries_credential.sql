-- The usage report grouped by credential (SPEC §13) over a month of a large ledger: without this index
-- SQLite reads every row of the month and sorts them all by credential (about 3 s for 1,000,000
-- deliveries, `npm run bench`); with it the groups come in index order (about 0.3 s). One more index
-- entry per delivery is the price.
CREATE INDEX deliveries_credential ON deliveries (credential_kind, credential, at);
