// The operator API's registry half: feeds, licensees, revocations and the audit log.

import { readFeedRecord } from '../catalog/catalog.ts';
import { readJsonObject, stringField } from '../http/body.ts';
import { Problem } from '../problem.ts';
import { readLicenseeRecord } from '../registry/registry.ts';
import type { Grant } from '../access/operator.ts';
import { auditLog, putRecord, revoke, type RecordKinds } from '../store/writes.ts';
import { actor, json, route } from './admin-http.ts';
import type { App } from './context.ts';

const fieldProblem = (problems: readonly { field: string; message: string }[]) =>
  new Problem('invalid_field', {
    detail:
      problems
        .map((p) => `${p.field}: ${p.message}`)
        .slice(0, 5)
        .join('; ') || '(body): invalid.',
  });

export function register(app: App): void {
  putRoute(app, '/admin/feeds/:id', 'stories:write', 'feed', (raw, id) => {
    const { feed, problems } = readFeedRecord(raw, id);
    return feed ?? fieldProblem(problems);
  });
  putRoute(app, '/admin/licensees/:id', 'licensees:write', 'licensee', (raw, id) => {
    const { licensee, problems } = readLicenseeRecord(raw, id);
    return licensee ?? fieldProblem(problems);
  });

  route(app, '/admin/revocations', {
    POST: {
      grant: 'licensees:write',
      handler: async (c, operator) => {
        const jti = stringField(await readJsonObject(c.req.raw), 'jti', 256);
        const { created } = await revoke(c.get('store').db, jti, actor(operator), Date.now());
        return json(c, { jti, revoked: true }, created ? 201 : 200);
      },
    },
  });

  route(app, '/admin/audit', {
    GET: {
      grant: 'admin',
      handler: async (c) => {
        const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? '100') || 100));
        return json(c, { entries: await auditLog(c.get('store').db, limit) });
      },
    },
  });
}

/** PUT of a registry record under its id: validated, then created (201) or replaced (200) whole. */
function putRoute<K extends keyof RecordKinds>(
  app: App,
  path: string,
  grant: Grant,
  kind: K,
  validate: (raw: unknown, id: string) => RecordKinds[K] | Problem,
): void {
  route(app, path, {
    PUT: {
      grant,
      handler: async (c, operator) => {
        const id = c.req.param('id') ?? '';
        const body = await readJsonObject(c.req.raw);
        if (body['id'] !== undefined && body['id'] !== id) throw new Problem('invalid_field', { detail: 'id: must match the URL.' });
        const record = validate({ ...body, id }, id);
        if (record instanceof Problem) throw record;
        const { created } = await putRecord(c.get('store').db, kind, record, actor(operator), Date.now());
        return json(c, record, created ? 201 : 200);
      },
    },
  });
}
