// Usage reports (SPEC §13): /admin/usage for operators (usage:read), /account/usage for a licensee's
// own figures (its license token; never another licensee's rows).

import type { Context } from 'hono';
import { Problem } from '../problem.ts';
import { GROUPS, thisMonth, usageCsv, usageReport, type Group, type UsageReport } from '../store/usage.ts';
import { instantOf, json, route } from './admin-http.ts';
import type { App, AppEnv } from './context.ts';

type Ctx = Context<AppEnv>;

function query(c: Ctx): { from: number; to: number; group: Group } {
  const span = thisMonth(Date.now());
  const from = c.req.query('from');
  const to = c.req.query('to');
  const group = c.req.query('group') ?? 'day';
  if (!Object.hasOwn(GROUPS, group)) throw new Problem('invalid_field', { detail: `group: must be one of ${Object.keys(GROUPS).join(', ')}.` });
  return {
    from: from === undefined ? span.from : Date.parse(instantOf(from, 'from')),
    to: to === undefined ? span.to : Date.parse(instantOf(to, 'to')),
    group: group as Group,
  };
}

/** JSON, or the groups as CSV when the client asks for text/csv. */
function answer(c: Ctx, report: UsageReport): Response {
  if (/\btext\/csv\b/i.test(c.req.header('accept') ?? '')) {
    return new Response(usageCsv(report), {
      headers: { ...c.get('settings').responseHeaders, 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': 'no-store', Vary: 'Accept, Authorization' },
    });
  }
  return json(c, report, 200, { Vary: 'Accept, Authorization' });
}

export function register(app: App): void {
  route(app, '/admin/usage', {
    GET: {
      grant: 'usage:read',
      handler: async (c) => {
        const licensee = c.req.query('licensee');
        return answer(c, await usageReport(c.get('store').db, { ...query(c), ...(licensee ? { licensee } : {}) }));
      },
    },
  });

  app.get('/account/usage', async (c) => {
    const identity = c.get('caller').identity;
    if (!identity) throw new Problem('token_required', { detail: 'Present your license token to see your usage.' });
    return answer(c, await usageReport(c.get('store').db, { ...query(c), licensee: identity.licensee.id }));
  });
}
