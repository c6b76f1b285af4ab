// The operator API's registry half: feeds, licensees, revocations and the audit log.

import { readFeedRecord } from '../catalog/catalog.ts';
import { readJsonObject, stringField } from '../http/body.ts';
import { Problem } from '../problem.ts';
import { readLicenseeRecord } from '../registry/registry.ts';
import { auditLog, putFeed, putLicensee, revoke } from '../store/writes.ts';
import { actor, json, route } from './admin.ts';
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
  route(app, '/admin/feeds/:id', {
    PUT: {
      grant: 'stories:write',
      handler: async (c, operator) => {
        const id = c.req.param('id') ?? '';
        const body = await readJsonObject(c.req.raw);
        if (body['id'] !== undefined && body['id'] !== id) throw new Problem('invalid_field', { detail: 'id: must match the URL.' });
        const { feed, problems } = readFeedRecord({ ...body, id }, id);
        if (!feed) throw fieldProblem(problems);
        const { created } = await putFeed(c.var.store.db, feed, actor(operator), Date.now());
        return json(c, feed, created ? 201 : 200);
      },
    },
  });

  route(app, '/admin/licensees/:id', {
    PUT: {
      grant: 'licensees:write',
      handler: async (c, operator) => {
        const id = c.req.param('id') ?? '';
        const body = await readJsonObject(c.req.raw);
        if (body['id'] !== undefined && body['id'] !== id) throw new Problem('invalid_field', { detail: 'id: must match the URL.' });
        const { licensee, problems } = readLicenseeRecord({ ...body, id }, id);
        if (!licensee) throw fieldProblem(problems);
        const { created } = await putLicensee(c.var.store.db, licensee, actor(operator), Date.now());
        return json(c, licensee, created ? 201 : 200);
      },
    },
  });

  route(app, '/admin/revocations', {
    POST: {
      grant: 'licensees:write',
      handler: async (c, operator) => {
        const jti = stringField(await readJsonObject(c.req.raw), 'jti', 256);
        const { created } = await revoke(c.var.store.db, jti, actor(operator), Date.now());
        return json(c, { jti, revoked: true }, created ? 201 : 200);
      },
    },
  });

  route(app, '/admin/audit', {
    GET: {
      grant: 'admin',
      handler: async (c) => {
        const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? '100') || 100));
        return json(c, { entries: await auditLog(c.var.store.db, limit) });
      },
    },
  });
}
