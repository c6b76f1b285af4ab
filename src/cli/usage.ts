// What each CLI command takes and does: the one table behind `wiregate --help` and `wiregate <command> --help`.

export interface CommandHelp {
  readonly synopsis: string;
  /** One line for the overview. */
  readonly summary: string;
  /** Further lines for `wiregate <command> --help`. */
  readonly details?: readonly string[];
}

export const HELP: Readonly<Record<string, CommandHelp>> = {
  serve: {
    synopsis: 'serve [--demo]',
    summary: 'serve the store (WIREGATE_DB, filled from feeds/ and licenses/ when new) on Node (PORT, HOST)',
    details: ['--demo  trust a local demo key for this process only, and print a token for demo-newsroom'],
  },
  ingest: {
    synopsis: 'ingest <file> --feed <id> [--published <iso>] [--source <name>] [--slug <slug>] [--dry-run] [--remote <url>]',
    summary: 'turn a wire text file into a story in a feed, in the store (or through the operator API with --remote)',
    details: [
      'The first line is the headline, a copyright line ("Copyright 2021 …") ends the story; web chrome after the',
      'last paragraph ("Leave a Reply", …) is dropped. --slug ingests under a given slug (e.g. a replacement after a kill).',
    ],
  },
  import: { synopsis: 'import', summary: 'sync feeds/ and licenses/ into the store again (idempotent)' },
  check: { synopsis: 'check', summary: 'validate feeds/ and licenses/ (errors stop start-up; warnings do not)' },
  pack: { synopsis: 'pack [--out build]', summary: 'export feeds/ and licenses/ as build/seed.sql for a D1 store (`wrangler d1 execute`)' },
  'keys generate': {
    synopsis: 'keys generate [--operator] [--alg ES256|EdDSA] [--kid <id>]',
    summary: 'make a signing key; its public half goes into licenses/jwks.json (operator: operator-jwks.json) and the store',
  },
  token: {
    synopsis: 'token --sub <licensee> --scope "feed:<id> ..." --ttl <30d|12h|90m|30s> [--key <file>] [--demo] [--jti <id>]',
    summary: 'mint a license token (printed alone on stdout; jti, kid, sub, scope and expiry on stderr)',
    details: [
      'Refuses (exit 2) what the gateway would refuse: an unknown, suspended or lapsed licensee, a scope entry',
      'that is not feed:<id> or names a feed the licensee lacks, a --ttl without a unit or over the maximum',
      'lifetime (WIREGATE_MAX_TOKEN_DAYS, 400 days by default). --demo signs with the local demo key.',
      '--key names the private key file (.wiregate/keys/<kid>.private.jwk) when there are several.',
      'Operator tokens: wiregate token --operator --help.',
    ],
  },
  'token --operator': {
    synopsis: 'token --operator --sub <name> --scope "stories:write licensees:write usage:read trace admin" --ttl 7d',
    summary: 'mint an operator token for the operator API (at most 30 days)',
  },
  embargo: { synopsis: 'embargo <slug> --until <iso> [--remote <url>]', summary: 'hold a story until the release instant' },
  release: { synopsis: 'release <slug>', summary: 'release an embargoed or withheld story now' },
  kill: { synopsis: 'kill <slug> --reason <text>', summary: 'kill: 410 everywhere, tombstone in Atom, advisory to licensees' },
  withhold: {
    synopsis: 'withhold <slug> --reason <text>',
    summary: 'withhold: like kill, but release can undo it (lifecycle commands take --remote <url> too)',
  },
  correct: { synopsis: 'correct <slug> --note <text> [--file <wire text>]', summary: 'new version with a correction note' },
  receipt: {
    synopsis: 'receipt --sub <licensee> --jti <id> --slug <slug> [--iss <issuer>] [--version N] [--demo]',
    summary: "the receipt a token's copy carries (--iss defaults to WIREGATE_ISSUER)",
  },
  'feed-key issue': {
    synopsis: 'feed-key issue --licensee <id> --feeds <id>[,<id>] [--label <text>] [--expires <iso>] [--remote <url>]',
    summary: 'a private feed URL key for feed readers (shown once; the store keeps its hash)',
  },
  'feed-key list': { synopsis: 'feed-key list --licensee <id> [--remote <url>]', summary: 'keys by id and label, with sharing flags (never the key)' },
  'feed-key revoke': { synopsis: 'feed-key revoke <key id> --licensee <id> [--remote <url>]', summary: 'revoke a feed key: its URLs answer 410' },
  usage: {
    synopsis: 'usage [--from <iso>] [--to <iso>] [--licensee <id>] [--group day|story|format|credential|licensee] [--csv] [--remote <url>]',
    summary: 'deliveries from the usage ledger, this month by default',
    details: [
      'Feed keys flagged for sharing (used from more networks a day than the license allows) are named under',
      'the report, whatever the grouping; by credential each one\'s line says "flagged".',
    ],
  },
  trace: {
    synopsis: 'trace <file|-> [--html] [--json] [--remote <url>]',
    summary: 'is this page one of our stories, altered, and whose copy is it? (a report for the rights desk)',
  },
  synth: { synopsis: 'synth [--stories 10000] [--out build/synth]', summary: 'a synthetic catalog for tests and benchmarks' },
};

export function overview(): string {
  const lines = Object.values(HELP).map((h) => `  wiregate ${h.synopsis}\n      ${h.summary}`);
  return `wiregate — syndication and rights-enforcement gateway for wire copy\n\n${lines.join('\n')}\n\n  wiregate --version | <command> --help\n`;
}

export function commandHelp(name: string): string | undefined {
  const h = HELP[name];
  if (h) return `usage: wiregate ${h.synopsis}\n\n${h.summary}\n${(h.details ?? []).map((l) => `${l}\n`).join('')}`;
  // A group (`keys`, `feed-key`): the help of each of its commands.
  const members = Object.keys(HELP).filter((key) => key.startsWith(`${name} `));
  return members.length > 0 ? members.map((key) => commandHelp(key)).join('\n') : undefined;
}

/** A refusal of what the user asked for (bad flags, impossible request): exit 2, message on stderr, nothing done. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
