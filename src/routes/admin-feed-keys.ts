// The operator API for feed keys (SPEC §11): issue (the key shown once), list (never the key), revoke.

import { issueFeedKey, listFeedKeys } from '../access/feed-keys.ts';
import { readJsonObject } from '../http/body.ts';
import { Problem } from '../problem.ts';
import { revokeFeedKey } from '../store/feed-keys.ts';
import { actor, json, route } from './admin-http.ts';
import type { App } from './context.ts';

export function register(app: App): void {
  route(app, '/admin/licensees/:id/feed-keys', {
    POST: {
      grant: 'licensees:write',
      handler: async (c, operator) => {
        const body = await readJsonObject(c.req.raw);
        const store = c.get('store');
        const state = c.get('state');
        const settings = c.get('settings');
        const ctx = { db: store.db, registry: state.registry, feedIds: [...state.feeds.keys()], settings, actor: actor(operator), now: Date.now() };
        return json(c, await issueFeedKey(ctx, c.req.param('id') ?? '', body), 201);
      },
    },
    GET: {
      grant: 'licensees:write',
      handler: async (c) => json(c, await listFeedKeys(c.get('store').db, c.get('state').registry, c.req.param('id') ?? '', Date.now())),
    },
  });
  route(app, '/admin/licensees/:id/feed-keys/:keyId', {
    DELETE: {
      grant: 'licensees:write',
      handler: async (c, operator) => {
        const id = c.req.param('keyId') ?? '';
        const outcome = await revokeFeedKey(c.get('store').db, c.req.param('id') ?? '', id, actor(operator), Date.now());
        if (outcome === 'unknown') throw new Problem('not_found', { detail: 'No such feed key for this licensee.' });
        return json(c, { id, revoked: true });
      },
    },
  });
}
