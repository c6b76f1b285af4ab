// /articles/{slug}, /articles/{slug}.json and /articles/{slug}.txt.

import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { represent } from '../http/respond.ts';
import { storyHtml } from '../render/story-html.ts';
import { storyNinjs } from '../render/story-json.ts';
import { storyText } from '../render/story-text.ts';
import type { StoryView } from '../render/view.ts';
import { decisionFor, onlyGet, viewFor, type App } from './context.ts';

const FORMATS = {
  html: { type: 'text/html; charset=utf-8', render: storyHtml },
  json: { type: 'application/json', render: (v: StoryView) => `${JSON.stringify(storyNinjs(v), null, 2)}\n` },
  txt: { type: 'text/plain; charset=utf-8', render: storyText },
} as const;

const ARTICLE_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(json|txt))?$/;

export function register(app: App, data: GatewayData): void {
  app.get('/articles/:file', async (c) => {
    const match = ARTICLE_FILE.exec(c.req.param('file'));
    const story = match ? data.catalog.stories.get(match[1]!) : undefined;
    if (!match || !story) throw new Problem('not_found', { detail: 'No such story.' });
    const format = FORMATS[(match[2] ?? 'html') as keyof typeof FORMATS];
    const decision = await decisionFor(c, data, story.feeds);
    const view = await viewFor(story, decision, c.var.settings);
    return represent(c, c.var.settings, { body: format.render(view), type: format.type, decision, lastModified: story.updated });
  });
  onlyGet(app, '/articles/:file');
}
