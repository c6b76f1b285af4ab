// /articles/{slug}, /articles/{slug}.json and /articles/{slug}.txt.

import { grantedFeeds, type Decision } from '../access/decide.ts';
import { effectiveUpdated } from '../access/lifecycle.ts';
import { decideStory } from '../access/story-decision.ts';
import { Problem } from '../problem.ts';
import { entitlementKey } from '../http/render-cache.ts';
import { rendered } from '../http/respond.ts';
import { storyHtml } from '../render/story-html.ts';
import { storyNinjs } from '../render/story-json.ts';
import { storyText } from '../render/story-text.ts';
import { goneNote, type StoryView } from '../render/view.ts';
import { agreement, publicOffer, type Policy } from '../rights/odrl.ts';
import { tdmHeaders } from '../rights/signals.ts';
import type { OperatorTerms } from '../rights/terms.ts';
import type { Settings } from '../settings.ts';
import { cached, viewFor, type App } from './context.ts';

type Render = (view: StoryView, policy: () => Policy, terms: OperatorTerms) => string;
const FORMATS: Record<'html' | 'json' | 'txt', { type: string; render: Render }> = {
  html: { type: 'text/html; charset=utf-8', render: (v, _policy, terms) => storyHtml(v, terms) },
  json: { type: 'application/json', render: (v, policy) => `${JSON.stringify(storyNinjs(v, policy()), null, 2)}\n` },
  txt: { type: 'text/plain; charset=utf-8', render: storyText },
};

const ARTICLE_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(json|txt))?$/;

export function register(app: App): void {
  app.get('/articles/:file', async (c) => {
    const caller = c.get('caller');
    const settings = c.get('settings');
    const state = c.get('state');
    const match = ARTICLE_FILE.exec(c.req.param('file'));
    const story = match ? await state.story(match[1]!) : undefined;
    if (!match || !story) throw new Problem('not_found', { detail: 'No such story.' });
    const now = Date.now();
    const outcome = decideStory(caller, story, now);
    switch (outcome.kind) {
      case 'hidden':
        throw new Problem('not_found', { detail: 'No such story.' });
      case 'gone':
        throw new Problem(outcome.code, { detail: goneNote(outcome.status, outcome.notice) });
      case 'refused':
        throw new Problem(outcome.code, { scheme: caller.scheme });
      case 'full':
      case 'excerpt': {
        const { decision, presence } = outcome;
        const suffix = match[2] ?? 'html';
        const format = FORMATS[suffix as keyof typeof FORMATS];
        const key = `story ${story.slug} ${suffix} ${entitlementKey(decision)} ${presence.kind}`;
        return cached(
          c,
          key,
          async () => {
            const view = await viewFor(story, decision, settings, presence);
            const body = format.render(view, () => policyFor(state.registry.terms, decision, view, settings), state.registry.terms);
            const r = await rendered(body, format.type, effectiveUpdated(story, now));
            return view.license ? { ...r, items: [{ slug: story.slug, version: story.version, receipt: view.license.receipt }] } : r;
            // The story page is where a desk session counts (SPEC §12): caches must key on the cookie too.
          },
          { decision, at: now, headers: tdmHeaders(settings), ...(suffix === 'html' ? { vary: 'Cookie' } : {}) },
          suffix,
        );
      }
    }
  });
}

/** The licensee's own Agreement for a licensed copy; the public Offer for this story otherwise. */
function policyFor(terms: OperatorTerms, decision: Decision, view: StoryView, settings: Settings): Policy {
  if (decision.tier === 'licensed') {
    return agreement(terms, decision.licensee, grantedFeeds(decision.token, decision.licensee), decision.token.jti, settings);
  }
  return publicOffer(terms, [], settings, view.attribution.canonicalUrl);
}
