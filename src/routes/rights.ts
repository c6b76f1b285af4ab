// Machine-readable terms: RSL at /license.xml, robots.txt, TDMRep, and the ODRL Offer and Agreement.

import { grantedFeeds, PUBLIC } from '../access/decide.ts';
import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { represent } from '../http/respond.ts';
import { agreement, publicOffer, tdmPolicy } from '../rights/odrl.ts';
import { robotsTxt, tdmrepJson } from '../rights/signals.ts';
import { RSL_TYPE, rslDocument } from '../rights/rsl.ts';
import { callerOf, decisionFor, onlyGet, type App, type Ctx } from './context.ts';

const JSON_LD = 'application/ld+json';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function register(app: App, data: GatewayData): void {
  const { catalog, registry } = data;
  const { terms } = registry;
  const feedIds = [...catalog.feeds.keys()];
  const newest = catalog.updated;
  const publicDoc = (c: Ctx, body: string, type: string) =>
    represent(c, c.var.settings, { body, type, decision: PUBLIC, lastModified: newest });

  app.get('/license.xml', (c) => publicDoc(c, rslDocument(catalog, terms, c.var.settings), RSL_TYPE));
  app.get('/robots.txt', (c) => publicDoc(c, robotsTxt(terms, c.var.settings), 'text/plain; charset=utf-8'));
  app.get('/.well-known/tdmrep.json', (c) => publicDoc(c, tdmrepJson(c.var.settings), 'application/json'));
  app.get('/rights/tdm-policy.jsonld', (c) => publicDoc(c, json(tdmPolicy(terms, c.var.settings)), JSON_LD));
  app.get('/rights/offer.jsonld', (c) => publicDoc(c, json(publicOffer(terms, feedIds, c.var.settings)), JSON_LD));

  // A licensee's own Agreement: only for the token that proves it, never cached, never anyone else's.
  app.get('/rights/agreement.jsonld', async (c) => {
    const decision = decisionFor(c, data, await callerOf(c, data), null);
    if (decision.tier !== 'licensed') {
      throw new Problem('token_required', { detail: 'Present your license token to see your agreement.' });
    }
    const { licensee, token } = decision;
    const feeds = grantedFeeds(token, licensee);
    // An agreement must grant something (ODRL needs at least one rule); a token that grants nothing is refused.
    if (feeds.length === 0) throw new Problem('feed_not_licensed', { detail: 'This token grants no feed under this license.' });
    const body = json(agreement(terms, licensee, feeds, token.jti, c.var.settings));
    return represent(c, c.var.settings, { body, type: JSON_LD, decision, lastModified: newest });
  });

  onlyGet(app, '/license.xml', '/robots.txt', '/.well-known/tdmrep.json', '/rights/tdm-policy.jsonld', '/rights/offer.jsonld', '/rights/agreement.jsonld');
}
