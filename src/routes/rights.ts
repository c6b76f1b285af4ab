// Machine-readable terms: RSL at /license.xml, robots.txt, TDMRep, and the ODRL Offer and Agreement.

import { grantedFeeds, PUBLIC } from '../access/decide.ts';
import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { entitlementKey } from '../http/render-cache.ts';
import { rendered } from '../http/respond.ts';
import { agreement, publicOffer, tdmPolicy } from '../rights/odrl.ts';
import { robotsTxt, tdmrepJson } from '../rights/signals.ts';
import { RSL_TYPE, rslDocument } from '../rights/rsl.ts';
import type { Settings } from '../settings.ts';
import { decideFor } from '../access/access.ts';
import { cached, callerOf, onlyGet, settingsOf, type App } from './context.ts';

const JSON_LD = 'application/ld+json';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function register(app: App, data: GatewayData): void {
  const { catalog, registry } = data;
  const { terms } = registry;
  const feedIds = [...catalog.feeds.keys()];
  const newest = catalog.updated;
  // Documents that depend on nothing but the data and settings: rendered once per app.
  const publicDoc = (path: string, type: string, body: (settings: Settings) => string) =>
    app.get(path, async (c) => {
      // Credentials are judged here too (SPEC §3), although these documents are the same for all.
      await callerOf(c, data);
      return cached(c, data, path, () => rendered(body(settingsOf(c)), type, newest), { decision: PUBLIC });
    });

  publicDoc('/license.xml', RSL_TYPE, (s) => rslDocument(catalog, terms, s));
  publicDoc('/robots.txt', 'text/plain; charset=utf-8', (s) => robotsTxt(terms, s));
  publicDoc('/.well-known/tdmrep.json', 'application/json', (s) => tdmrepJson(s));
  publicDoc('/rights/tdm-policy.jsonld', JSON_LD, (s) => json(tdmPolicy(terms, s)));
  publicDoc('/rights/offer.jsonld', JSON_LD, (s) => json(publicOffer(terms, feedIds, s)));

  // A licensee's own Agreement: only for the token that proves it, never cached, never anyone else's.
  app.get('/rights/agreement.jsonld', async (c) => {
    const decision = decideFor(await callerOf(c, data), null);
    if (decision.tier !== 'licensed') {
      throw new Problem('token_required', { detail: 'Present your license token to see your agreement.' });
    }
    const { licensee, token } = decision;
    const feeds = grantedFeeds(token, licensee);
    // An agreement must grant something (ODRL needs at least one rule); a token that grants nothing is refused.
    if (feeds.length === 0) throw new Problem('feed_not_licensed', { detail: 'This token grants no feed under this license.' });
    const make = () => rendered(json(agreement(terms, licensee, feeds, token.jti, settingsOf(c))), JSON_LD, newest);
    return cached(c, data, `agreement ${entitlementKey(decision)}`, make, { decision });
  });

  onlyGet(app, '/license.xml', '/robots.txt', '/.well-known/tdmrep.json', '/rights/tdm-policy.jsonld', '/rights/offer.jsonld', '/rights/agreement.jsonld');
}
