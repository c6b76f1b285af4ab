// The wiregate CLI: serve, ingest, check, pack, keys generate, token.

import { parseArgs } from 'node:util';
import { commands } from './commands.ts';

const USAGE = `wiregate — syndication and rights-enforcement gateway for wire copy

  wiregate serve [--demo]                      serve the store (WIREGATE_DB) on Node (PORT, HOST)
  wiregate ingest <file> --feed <id> [--published <iso>] [--source <name>] [--dry-run] [--remote <url>]
  wiregate import                              sync feeds/ and licenses/ into the store (idempotent)
  wiregate check                               validate feeds/ and licenses/
  wiregate pack [--out build]                  export feeds/ and licenses/ as build/seed.sql for D1
  wiregate keys generate [--operator] [--alg ES256|EdDSA] [--kid <id>]
  wiregate token --sub <licensee> --scope "feed:<id> ..." --ttl 30d [--key <file>] [--demo]
  wiregate token --operator --sub <name> --scope "stories:write licensees:write usage:read trace admin" --ttl 7d

  Lifecycle commands act on the local store, or with --remote <url> (and WIREGATE_OPERATOR_TOKEN)
  on a running deployment through the operator API.
  wiregate embargo <slug> --until <iso>        hold a story until the release instant
  wiregate release <slug>                      release an embargoed or withheld story now
  wiregate kill <slug> --reason <text>         kill: 410 everywhere, tombstone in Atom, advisory to licensees
  wiregate withhold <slug> --reason <text>     withhold: like kill, but release can undo it
  wiregate correct <slug> --note <text> [--file <wire text>]   new version with a correction note
  wiregate receipt --sub <licensee> --jti <id> --slug <slug> [--iss <issuer>] [--version N] [--demo]
                                               the receipt a token's copy carries (--iss: WIREGATE_ISSUER)
  wiregate feed-key issue --licensee <id> --feeds <id>[,<id>] [--label <text>] [--expires <iso>] [--remote <url>]
                                               a private feed URL for feed readers (SPEC §11); the key is shown once
  wiregate feed-key list --licensee <id> [--remote <url>]      keys by id and label, with sharing flags (never the key)
  wiregate feed-key revoke <key id> --licensee <id> [--remote <url>]
  wiregate synth [--stories 10000] [--out build/synth]   a synthetic catalog for tests and benchmarks
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      feed: { type: 'string' },
      published: { type: 'string' },
      source: { type: 'string' },
      'dry-run': { type: 'boolean' },
      out: { type: 'string' },
      alg: { type: 'string' },
      kid: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      key: { type: 'string' },
      jti: { type: 'string' },
      iss: { type: 'string' },
      demo: { type: 'boolean' },
      until: { type: 'string' },
      reason: { type: 'string' },
      note: { type: 'string' },
      file: { type: 'string' },
      stories: { type: 'string' },
      slug: { type: 'string' },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      operator: { type: 'boolean' },
      remote: { type: 'string' },
      licensee: { type: 'string' },
      feeds: { type: 'string' },
      label: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const [name, ...rest] = positionals;
  const key = name === 'keys' || name === 'feed-key' ? `${name} ${rest.shift() ?? ''}`.trim() : name;
  const command = key ? commands[key] : undefined;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  return command(values, rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wiregate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
