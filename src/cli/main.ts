// The wiregate CLI: parses the command line, answers --help and --version, and runs a command.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commands } from './commands.ts';
import { commandHelp, overview, UsageError } from './usage.ts';

const OPTIONS = {
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
  demo: { type: 'boolean' },
  until: { type: 'string' },
  reason: { type: 'string' },
  note: { type: 'string' },
  file: { type: 'string' },
  stories: { type: 'string' },
  slug: { type: 'string' },
  version: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  iss: { type: 'string' },
  operator: { type: 'boolean' },
  remote: { type: 'string' },
  licensee: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  group: { type: 'string' },
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
  html: { type: 'boolean' },
  feeds: { type: 'string' },
  label: { type: 'string' },
  expires: { type: 'string' },
} as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `wiregate ${pkg.version}\n`;
}

async function main(argv: string[]): Promise<number> {
  // `--version` alone asks for the program's version; `receipt --version N` is a story version.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(version());
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    // node:util names the unknown or malformed option; nothing else of the command line is echoed.
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}; see wiregate --help`);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  const key = name === 'keys' || name === 'feed-key' ? `${name} ${rest.shift() ?? ''}`.trim() : name;
  if (!key) {
    process.stdout.write(overview());
    return values.help ? 0 : 2;
  }
  const command = commands[key];
  // `wiregate feed-key --help` asks about the group: its commands' help, not an unknown command.
  const help = values.help ? commandHelp(key === 'token' && values.operator ? 'token --operator' : key) : undefined;
  if (help !== undefined) {
    process.stdout.write(help);
    return 0;
  }
  if (!command) {
    // A group named without its command (`wiregate feed-key`): say which commands it has.
    const group = commandHelp(key);
    if (group !== undefined) throw new UsageError(`${key} needs a command:\n${group}`);
    throw new UsageError(`unknown command: ${key}; see wiregate --help`);
  }
  return command(values, rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wiregate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
