// What every operator API route shares: the operator token and grant check with 405s, JSON answers,
// the audit actor, and instants in request bodies.

import type { Context } from 'hono';
import { identifyOperator, requireGrant, type Grant, type Operator } from '../access/operator.ts';
import { Problem } from '../problem.ts';
import { iso } from '../store/snapshot.ts';
import type { App, AppEnv } from './context.ts';

type AdminCtx = Context<AppEnv>;
export type Handler = (c: AdminCtx, operator: Operator) => Promise<Response>;

/** Registers `method path` behind the operator token and `grant`; other methods get 405 with Allow. */
export function route(app: App, path: string, methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', { grant: Grant; handler: Handler }>>): void {
  const allow = Object.keys(methods).join(', ');
  app.all(path, async (c) => {
    const entry = methods[c.req.method as keyof typeof methods];
    if (!entry) throw new Problem('method_not_allowed', { allow, detail: `Use ${allow} here.` });
    const operator = await identifyOperator(c.req.raw, c.get('settings'), c.get('state'));
    requireGrant(operator, entry.grant);
    return entry.handler(c, operator);
  });
}

/** A JSON answer of the operator API: never cached. */
export function json(c: AdminCtx, value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(value, null, 2)}\n`, {
    status,
    headers: { ...c.get('settings').responseHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}

export const actor = (operator: Operator) => ({ operator: operator.sub });

/** An ISO 8601 instant with a zone, as stored (UTC, seconds); 422 naming the field otherwise. */
export function instantOf(text: string, field: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text));
  if (!ok) throw new Problem('invalid_field', { detail: `${field}: must be an ISO 8601 time with a zone, e.g. 2026-12-01T09:00:00Z.` });
  return iso(Date.parse(text));
}
