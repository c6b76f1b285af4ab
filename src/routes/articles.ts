// /articles/{slug}, /articles/{slug}.json and /articles/{slug}.txt.

import { refusalProblem, verdictFor } from '../access/access.ts';
import { grantedFeeds, isRefusal, type Decision } from '../access/decide.ts';
import { effectiveUpdated, isUnreleased, presenceOf } from '../access/lifecycle.ts';
import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { entitlementKey } from '../http/render-cache.ts';
import { rendered } from '../http/respond.ts';
import { storyHtml } from '../render/story-html.ts';
import { storyNinjs } from '../render/story-json.ts';
import { storyText } from '../render/story-text.ts';
import type { StoryView } from '../render/view.ts';
import { agreement, publicOffer, type Policy } from '../rights/odrl.ts';
import { tdmHeaders } from '../rights/signals.ts';
import type { OperatorTerms } from '../rights/terms.ts';
import type { Settings } from '../settings.ts';
import { goneNote } from '../render/view.ts';
import { cached, callerOf, onlyGet, settingsOf, viewFor, type App } from './context.ts';

type Render = (view: StoryView, policy: () => Policy, terms: OperatorTerms) => string;
const FORMATS: Record<'html' | 'json' | 'txt', { type: string; render: Render }> = {
  html: { type: 'text/html; charset=utf-8', render: (v, _policy, terms) => storyHtml(v, terms) },
  json: { type: 'application/json', render: (v, policy) => `${JSON.stringify(storyNinjs(v, policy()), null, 2)}\n` },
  txt: { type: 'text/plain; charset=utf-8', render: storyText },
};

const ARTICLE_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(json|txt))?$/;

export function register(app: App, data: GatewayData): void {
  app.get('/articles/:file', async (c) => {
    const caller = await callerOf(c, data);
    const match = ARTICLE_FILE.exec(c.req.param('file'));
    const story = match ? data.catalog.stories.get(match[1]!) : undefined;
    if (!match || !story) throw new Problem('not_found', { detail: 'No such story.' });
    if (story.status === 'canceled' || story.status === 'withheld') {
      const code = story.status === 'canceled' ? 'story_killed' : 'story_withheld';
      throw new Problem(code, { detail: goneNote(story.status, story.notice ?? '') });
    }
    const format = FORMATS[(match[2] ?? 'html') as keyof typeof FORMATS];
    const settings = settingsOf(c);
    const now = Date.now();
    const verdict = verdictFor(caller, story.feeds, now);
    // Before release an embargoed story does not exist for whoever may not see it early: the same
    // 404 as an unknown slug, even for a licensee who would otherwise be refused (a 403 would confirm it).
    if (isRefusal(verdict)) {
      if (isUnreleased(story, now)) throw new Problem('not_found', { detail: 'No such story.' });
      throw refusalProblem(verdict, caller);
    }
    const decision = verdict;
    const presence = presenceOf(story, decision, now);
    if (presence.kind === 'hidden') throw new Problem('not_found', { detail: 'No such story.' });
    const key = `story ${story.slug} ${match[2] ?? 'html'} ${entitlementKey(decision)} ${presence.kind}`;
    return cached(c, data, key, async () => {
      const view = await viewFor(story, decision, settings, presence);
      const body = format.render(view, () => policyFor(data, decision, view, settings), data.registry.terms);
      return rendered(body, format.type, effectiveUpdated(story, now));
    }, { decision, headers: tdmHeaders(settings) });
  });
  onlyGet(app, '/articles/:file');
}

/** The licensee's own Agreement for a licensed copy; the public Offer for this story otherwise. */
function policyFor(data: GatewayData, decision: Decision, view: StoryView, settings: Settings): Policy {
  const { terms } = data.registry;
  if (decision.tier === 'licensed') {
    return agreement(terms, decision.licensee, grantedFeeds(decision.token, decision.licensee), decision.token.jti, settings);
  }
  return publicOffer(terms, [], settings, view.attribution.canonicalUrl);
}
