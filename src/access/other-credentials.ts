// The credentials that do not travel in Authorization (SPEC §3): where each one counts.

import type { Registry } from '../registry/registry.ts';
import type { SqlDriver } from '../store/sql.ts';
import type { OtherCredential } from './access.ts';
import { hasSessionCookie, isSessionPage, sessionCookie, sessionIdentity } from './sessions.ts';

const NOBODY: OtherCredential = Object.freeze({ identity: async () => null });

/**
 * A private feed URL is a credential wherever it appears (its route turns the key into an identity);
 * the session cookie is one on the desk and story pages only, and ignored everywhere else.
 */
export function otherCredential(request: Request, path: string, db: SqlDriver, registry: Registry): OtherCredential | undefined {
  if (path.startsWith('/private/')) return NOBODY;
  if (isSessionPage(path) && hasSessionCookie(request)) {
    return { identity: () => sessionIdentity(db, registry, sessionCookie(request), Date.now()) };
  }
  return undefined;
}
