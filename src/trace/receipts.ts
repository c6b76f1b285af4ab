// Receipt ids in a page: `wg-` and 24 hex digits, as src/access/receipt.ts mints them.

// Bounded on both sides so an id inside a longer token (a hash, a URL slug) is not taken for one.
const RECEIPT = /(?<![0-9A-Za-z_-])wg-([0-9a-fA-F]{24})(?![0-9A-Za-z_-])/g;
/** A page carries a handful of receipts at most; more is noise and must not become a bulk ledger query. */
export const MAX_RECEIPTS = 50;

/** Distinct receipt ids in order of first appearance, lower-cased as they are minted. */
export function findReceipts(...texts: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(RECEIPT)) {
      if (seen.size >= MAX_RECEIPTS) return [...seen];
      seen.add(`wg-${m[1]!.toLowerCase()}`);
    }
  }
  return [...seen];
}
