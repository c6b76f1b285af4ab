// The human-readable license terms at /license.

import type { OperatorTerms } from '../rights/terms.ts';
import type { Settings } from '../settings.ts';
import { escapeHtml as h } from './escape.ts';
import { page } from './html-page.ts';
import { howToLicenseHtml } from './how-to-license.ts';
import { urlsFor } from './view.ts';

export function licenseHtml(settings: Settings, rightsNotices: readonly string[], terms: OperatorTerms): string {
  const urls = urlsFor(settings);
  const main = `<h1>License terms</h1>
<p>The stories served here belong to their rights holders and are distributed under license. ${rightsNotices.map(h).join(' ')}</p>
<h2>Everyone</h2>
<ul>
<li>You may read the excerpt of each story and link to its page.</li>
<li>You may not publish, broadcast, rewrite or redistribute any story, in whole or in part, without permission.</li>
<li>Search engines may index the public excerpt; no other use (including training or grounding of AI systems) is permitted without a license.</li>
</ul>
<h2>Licensed partners</h2>
<ul>
<li>A licensee receives the full text of the stories in the feeds its license names, in the story page, its <code>.json</code> and <code>.txt</code> forms and in full-text RSS, Atom and JSON feeds.</li>
<li>A licensee's systems fetch stories and feeds with a personal access key (a license token) that the operator issues. Keep it private: never share it or put it in a link.</li>
<li>Every licensed copy names the licensee and license and carries a receipt id that traces it to the token that fetched it. Keep copies within the terms of your license.</li>
</ul>
<h2>Becoming a licensee</h2>
${howToLicenseHtml(terms)}
<p>The stories and feeds on offer are listed at <a href="${h(urls.base)}/">${h(urls.base)}/</a>.</p>`;
  return page({ title: 'License terms — wiregate', base: urls.base, main });
}
