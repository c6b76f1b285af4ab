// The store's side of a trace (SPEC §14): fingerprint rows per story version, candidate versions for a
// page's fingerprints, the versions themselves, and the ledger's receipts and recipients.

import type { Story } from '../catalog/types.ts';
import { excerptLength } from '../render/view.ts';
import { fingerprints } from '../trace/fingerprint.ts';
import type { TraceLookup } from '../trace/types.ts';
import { sql, type SqlDriver, type Statement } from './sql.ts';
import { receiptOwners, recipients } from './usage.ts';

/** Indexes one story version, once (a guard may tie it to the write that made the version). */
export function fingerprintStatement(story: Story, guard = '1 = 1', guardParams: (string | number)[] = []): Statement {
  return sql(
    `INSERT INTO fingerprints (hash, slug, version) SELECT value, ?, ? FROM json_each(?)
     WHERE ${guard} AND NOT EXISTS (SELECT 1 FROM fingerprints WHERE slug = ? AND version = ?)`,
    story.slug,
    story.version,
    JSON.stringify([...fingerprints(story.body)]),
    ...guardParams,
    story.slug,
    story.version,
  );
}

export function storeTraceLookup(db: SqlDriver, excerptWords: number): TraceLookup {
  return {
    async candidates(hashes, limit) {
      if (hashes.length === 0) return [];
      // One bound parameter (a JSON array), whatever the page's size: D1 allows 100 per statement.
      return db.all<{ slug: string; version: number; shared: number }>(
        sql(
          'SELECT slug, version, COUNT(*) AS shared FROM fingerprints WHERE hash IN (SELECT value FROM json_each(?)) ' +
            'GROUP BY slug, version ORDER BY shared DESC, version DESC, slug LIMIT ?',
          JSON.stringify([...hashes]),
          limit,
        ),
      );
    },
    async version(slug, version) {
      const row = await db.first<{ record: string }>(sql(`SELECT record FROM story_versions WHERE slug = ? AND version = ?`, slug, version));
      if (!row) return undefined;
      const story = JSON.parse(row.record) as Story;
      return { slug, version, headline: story.headline, body: story.body, excerptParagraphs: excerptLength(story.body, excerptWords) };
    },
    async receipts(ids) {
      return (await receiptOwners(db, ids)).map((r) => ({
        receipt: r.receipt,
        licensee: r.licensee,
        credential: r.credentialKind === 'token' ? r.credential : `${r.credentialKind}:${r.credential}`,
        deliveredAt: r.deliveredAt,
        slug: r.slug,
        version: r.version,
      }));
    },
    recipients: (slug, version) => recipients(db, slug, version),
  };
}
