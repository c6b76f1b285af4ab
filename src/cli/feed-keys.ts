// `wiregate feed-key issue|list|revoke` (SPEC §11): on the local store, or with --remote through the
// operator API. The key is printed once, by issue; nothing else ever prints it.

import { issueFeedKey, listFeedKeys } from '../access/feed-keys.ts';
import { revokeFeedKey } from '../store/feed-keys.ts';
import { Problem } from '../problem.ts';
import { Store } from '../store/store.ts';
import { isoInstant } from './lifecycle.ts';
import { cliActor, err, out, remoteCall, withLocalStore } from './store-access.ts';

type Flags = Record<string, string | boolean | undefined>;

function licenseeOf(flags: Flags): string {
  const value = flags['licensee'];
  if (typeof value !== 'string' || value === '') throw new Error('--licensee <id> is required');
  return value;
}

const path = (licensee: string, rest = '') => `/admin/licensees/${encodeURIComponent(licensee)}/feed-keys${rest}`;
const remote = (flags: Flags) => (typeof flags['remote'] === 'string' ? flags['remote'] : undefined);
const print = (value: unknown) => out(JSON.stringify(value, null, 2));

export const feedKeyCommands = {
  'feed-key issue': async (flags: Flags) => {
    const licensee = licenseeOf(flags);
    const feeds = typeof flags['feeds'] === 'string' ? flags['feeds'].split(/[\s,]+/).filter(Boolean) : [];
    if (feeds.length === 0) throw new Error('--feeds <id>[,<id>…] is required');
    const body: Record<string, unknown> = { feeds };
    if (typeof flags['label'] === 'string') body['label'] = flags['label'];
    if (typeof flags['expires'] === 'string') body['expires'] = isoInstant(flags['expires']);
    const url = remote(flags);
    if (url) return remoteCall('feed-key issue', url, 'POST', path(licensee), { type: 'application/json', data: JSON.stringify(body) });
    return withLocalStore('feed-key issue', async (db, settings) => {
      const state = await new Store(db).snapshot();
      print(
        await issueFeedKey({ db, registry: state.registry, feedIds: [...state.feeds.keys()], settings, actor: cliActor(), now: Date.now() }, licensee, body),
      );
      // The URLs are built from this shell's settings, which may not be the server's (another PORT).
      if (!process.env['WIREGATE_PUBLIC_URL']) {
        err(
          `note: the urls use ${settings.publicUrl}, from this shell's WIREGATE_PUBLIC_URL or PORT; if the server runs with others, set the same here or use --remote <server url>`,
        );
      }
      return 0;
    });
  },
  'feed-key list': async (flags: Flags) => {
    const licensee = licenseeOf(flags);
    const url = remote(flags);
    if (url) return remoteCall('feed-key list', url, 'GET', path(licensee));
    return withLocalStore('feed-key list', async (db) => {
      const state = await new Store(db).snapshot();
      print(await listFeedKeys(db, state.registry, licensee, Date.now()));
      return 0;
    });
  },
  'feed-key revoke': async (flags: Flags, [keyId]: string[]) => {
    const licensee = licenseeOf(flags);
    if (!keyId) throw new Error('usage: wiregate feed-key revoke <key id> --licensee <id>');
    const url = remote(flags);
    if (url) return remoteCall('feed-key revoke', url, 'DELETE', path(licensee, `/${encodeURIComponent(keyId)}`));
    return withLocalStore('feed-key revoke', async (db) => {
      const outcome = await revokeFeedKey(db, licensee, keyId, cliActor(), Date.now());
      if (outcome === 'unknown') throw new Problem('not_found', { detail: 'No such feed key for this licensee.' });
      print({ id: keyId, revoked: true });
      return 0;
    });
  },
};
