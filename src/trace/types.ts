// The shapes of a trace (SPEC §14): its result, and the lookup the store implements for it.

export type Verdict = 'verbatim' | 'altered' | 'excerpt' | 'none';

/** Where the text follows the story but its words differ: the story's sentences and the page's words. */
export interface AlteredPassage {
  readonly original: string;
  readonly found: string;
}

/** A receipt id found in the text, resolved from the ledger to the delivery that carried it. */
export interface ReceiptFound {
  readonly receipt: string;
  readonly licensee: string;
  /** The token `jti` or feed-key id the copy was delivered to. */
  readonly credential: string;
  readonly deliveredAt: string;
}

/** A licensee that received the matched version, from the usage ledger. */
export interface Recipient {
  readonly licensee: string;
  readonly first: string;
  readonly last: string;
  readonly deliveries: number;
}

export interface TraceMatch {
  readonly slug: string;
  readonly version: number;
  readonly headline: string;
  readonly verdict: Verdict;
  /** Share of the version's body words found in order, 0–1. */
  readonly coverage: number;
  readonly alteredPassages: readonly AlteredPassage[];
  readonly receipts: readonly ReceiptFound[];
  readonly recipients: readonly Recipient[];
}

export interface TraceResult {
  readonly verdict: Verdict;
  readonly matches: readonly TraceMatch[];
}

/** One version of a story as the trace compares it. */
export interface StoryVersion {
  readonly slug: string;
  readonly version: number;
  readonly headline: string;
  readonly body: readonly string[];
  /** How many leading paragraphs anyone may read (the public excerpt, SPEC §6). */
  readonly excerptParagraphs: number;
}

/** A receipt as the ledger knows it: which delivery, and of which story version. */
export interface ReceiptRecord extends ReceiptFound {
  readonly slug: string;
  readonly version: number;
}

/** What the store provides to a trace (SQLite on Node, D1 on Workers, a Map in tests). */
export interface TraceLookup {
  /** Versions sharing the most of these fingerprints, best first, at most `limit`. */
  candidates(hashes: Uint32Array, limit: number): Promise<ReadonlyArray<{ readonly slug: string; readonly version: number; readonly shared: number }>>;
  version(slug: string, version: number): Promise<StoryVersion | undefined>;
  /** The deliveries behind these receipt ids; unknown ids are simply absent. */
  receipts(ids: readonly string[]): Promise<readonly ReceiptRecord[]>;
  recipients(slug: string, version: number): Promise<readonly Recipient[]>;
}
