// The CLI's reading commands: `wiregate usage` and `wiregate trace`, on the local store or --remote.

import { readFileSync } from 'node:fs';
import { storeTraceLookup } from '../store/trace-lookup.ts';
import { GROUPS, thisMonth, usageCsv, usageReport, type Group, type UsageReport } from '../store/usage.ts';
import { traceReport } from '../trace/report.ts';
import { traceText } from '../trace/trace.ts';
import type { TraceResult } from '../trace/types.ts';
import { isoInstant } from './lifecycle.ts';
import { err, out, remoteFetch, withLocalStore } from './store-access.ts';
import { UsageError } from './usage.ts';

type Flags = Record<string, string | boolean | undefined>;

function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function usageCmd(flags: Flags): Promise<number> {
  const group = str(flags, 'group') ?? 'day';
  if (!Object.hasOwn(GROUPS, group)) throw new UsageError(`--group must be one of ${Object.keys(GROUPS).join(', ')}`);
  const span = thisMonth(Date.now());
  const from = str(flags, 'from') ? isoInstant(str(flags, 'from')!) : new Date(span.from).toISOString();
  const to = str(flags, 'to') ? isoInstant(str(flags, 'to')!) : new Date(span.to).toISOString();
  const licensee = str(flags, 'licensee');
  const print = (report: UsageReport) => {
    if (flags['csv']) process.stdout.write(usageCsv(report));
    else {
      out(`deliveries ${report.from} – ${report.to}${report.licensee ? ` for ${report.licensee}` : ''}: ${report.deliveries}`);
      const width = Math.max(40, ...report.groups.map((g) => g.key.length)); // a session's key is 44 characters
      for (const g of report.groups) out(`  ${g.key.padEnd(width)} ${String(g.deliveries).padStart(8)}${g.flagged ? '  flagged' : ''}`);
      if (report.flaggedKeys) out(`feed keys flagged for sharing: ${report.flaggedKeys.join(', ')}`);
    }
    return 0;
  };
  const remote = str(flags, 'remote');
  if (remote) {
    const query = new URLSearchParams({ from, to, group, ...(licensee ? { licensee } : {}) });
    const answer = await remoteFetch('usage', remote, 'GET', `/admin/usage?${query}`);
    return typeof answer === 'number' ? answer : print(answer as UsageReport);
  }
  return withLocalStore('usage', async (db) =>
    print(await usageReport(db, { from: Date.parse(from), to: Date.parse(to), group: group as Group, ...(licensee ? { licensee } : {}) })),
  );
}

export async function traceCmd(flags: Flags, [file]: string[]): Promise<number> {
  if (!file) throw new UsageError('usage: wiregate trace <file|-> [--html] [--json] [--remote <url>]');
  const bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  if (bytes.byteLength > 1024 * 1024) throw new UsageError('a trace reads at most 1 MB of text');
  const text = new TextDecoder('utf-8').decode(bytes);
  const isHtml = flags['html'] === true || /\.html?$/i.test(file) || /^\s*<(!doctype|html|head|body|div|p|article)\b/i.test(text);
  const print = (result: TraceResult) => {
    out(flags['json'] ? JSON.stringify(result, null, 2) : traceReport(result));
    return 0;
  };
  const remote = str(flags, 'remote');
  if (remote) {
    const answer = await remoteFetch('trace', remote, 'POST', '/admin/trace', {
      type: isHtml ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      data: bytes,
    });
    return typeof answer === 'number' ? answer : print(answer as TraceResult);
  }
  return withLocalStore('trace', async (db, settings) => {
    try {
      return print(await traceText(text, isHtml, storeTraceLookup(db, settings.excerptWords)));
    } catch {
      err('wiregate trace: the text could not be traced');
      return 1;
    }
  });
}
