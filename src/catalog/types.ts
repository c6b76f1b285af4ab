// The shapes of the catalog: stories and feeds as they are stored under feeds/.

/** Wire states (after AP's pubstatus): embargoed stories release themselves at `embargoedUntil`. */
export type StoryStatus = 'usable' | 'embargoed' | 'withheld' | 'canceled';

/** A story record (SPEC §1). `body` is the wire text verbatim, one entry per paragraph. */
export interface Story {
  readonly slug: string;
  readonly headline: string;
  readonly dateline: string;
  readonly published: string;
  /** When this version was created (ninjs versionCreated). */
  readonly updated: string;
  readonly version: number;
  readonly status: StoryStatus;
  /** Set while status is "embargoed": the release instant (kept by a kill or withhold before it). */
  readonly embargoedUntil?: string;
  /** The kill or withhold notice, while status is "canceled" or "withheld". */
  readonly notice?: string;
  /** The note of the latest correction, if the story has been corrected. */
  readonly correction?: string;
  readonly source: string;
  readonly rightsHolder: string;
  readonly copyrightNotice: string;
  readonly usageTerms: string;
  readonly feeds: readonly string[];
  readonly body: readonly string[];
}

/** A feed definition (SPEC §1); `stories` lists slugs, newest first. */
export interface FeedDef {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly language: string;
  readonly stories: readonly string[];
}

/** A feed as the store keeps it: its stories are members in the store, not a list in the record. */
export type FeedInfo = Omit<FeedDef, 'stories'>;

/** One file as read from disk or from the Worker's build-time bundle. */
export interface DataFile {
  readonly path: string;
  readonly text: string;
}

/** A problem found while loading data: which file, which field, what is wrong. */
export interface DataProblem {
  readonly file: string;
  readonly field: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}
