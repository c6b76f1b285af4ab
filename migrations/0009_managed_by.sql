-- Who manages a record: 'files' (feeds/ and licenses/, through `wiregate import`) or 'operator' (the
-- operator API or the CLI's publish, lifecycle and put commands). `wiregate import` updates only
-- records the files manage: it never undoes a change the API acknowledged, such as a kill, a
-- correction or a suspension (SPEC §10). A store from before this migration learns from its audit log
-- which records an operator has changed.
ALTER TABLE stories ADD COLUMN managed_by TEXT NOT NULL DEFAULT 'files';
ALTER TABLE feeds ADD COLUMN managed_by TEXT NOT NULL DEFAULT 'files';
ALTER TABLE licensees ADD COLUMN managed_by TEXT NOT NULL DEFAULT 'files';
UPDATE stories SET managed_by = 'operator'
  WHERE slug IN (SELECT target FROM audit WHERE action IN ('publish', 'correct', 'embargo', 'release', 'withhold', 'kill'));
UPDATE feeds SET managed_by = 'operator' WHERE id IN (SELECT target FROM audit WHERE action = 'feed.put');
UPDATE licensees SET managed_by = 'operator' WHERE id IN (SELECT target FROM audit WHERE action = 'licensee.put');
