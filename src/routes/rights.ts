// Machine-readable terms: RSL at /license.xml, robots.txt, TDMRep, and the ODRL Offer and Agreement.

import { grantedFeeds, PUBLIC } from '../access/decide.ts';
import { Problem } from '../problem.ts';
import { entitlementKey } from '../http/render-cache.ts';
import { rendered } from '../http/respond.ts';
import { agreement, publicOffer, tdmPolicy } from '../rights/odrl.ts';
import { robotsTxt, tdmrepJson } from '../rights/signals.ts';
import { RSL_TYPE, rslDocument } from '../rights/rsl.ts';
import type { Settings } from '../settings.ts';
import { decideFor } from '../access/access.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { cached, type App } from './context.ts';

const JSON_LD = 'application/ld+json';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function register(app: App): void {
  // Documents that depend on nothing but the store and settings: rendered once per snapshot.
  const publicDoc = (path: string, type: string, body: (settings: Settings, state: Snapshot) => Promise<string> | string) =>
    app.get(path, async (c) => {
      const settings = c.get('settings');
      const state = c.get('state');
      return cached(c, path, async () => rendered(await body(settings, state), type, state.updated), { decision: PUBLIC });
    });

  publicDoc('/license.xml', RSL_TYPE, async (s, state) => rslDocument((await state.rights()).holders, state.registry.terms, s));
  publicDoc('/robots.txt', 'text/plain; charset=utf-8', (s, state) => robotsTxt(state.registry.terms, s));
  publicDoc('/.well-known/tdmrep.json', 'application/json', (s) => tdmrepJson(s));
  publicDoc('/rights/tdm-policy.jsonld', JSON_LD, (s, state) => json(tdmPolicy(state.registry.terms, s)));
  publicDoc('/rights/offer.jsonld', JSON_LD, (s, state) => json(publicOffer(state.registry.terms, [...state.feeds.keys()], s)));

  // A licensee's own Agreement: only for the token that proves it, never cached, never anyone else's.
  app.get('/rights/agreement.jsonld', async (c) => {
    const caller = c.get('caller');
    const settings = c.get('settings');
    const state = c.get('state');
    const { terms } = state.registry;
    const decision = decideFor(caller, null);
    if (decision.tier !== 'licensed') {
      throw new Problem('token_required', { detail: 'Present your license token to see your agreement.' });
    }
    const { licensee, token } = decision;
    const feeds = grantedFeeds(token, licensee);
    // An agreement must grant something (ODRL needs at least one rule); a token that grants nothing is refused.
    if (feeds.length === 0) throw new Problem('feed_not_licensed', { detail: 'This token grants no feed under this license.' });
    const make = () => rendered(json(agreement(terms, licensee, feeds, token.jti, settings)), JSON_LD, state.updated);
    return cached(c, `agreement ${entitlementKey(decision)}`, make, { decision });
  });
}
