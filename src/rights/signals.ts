// Crawler-facing signals: robots.txt (content signals and the RSL License line) and TDMRep's well-known file.

import type { Settings } from '../settings.ts';
import { urlsFor } from '../render/view.ts';
import type { OperatorTerms } from './terms.ts';

/** The preamble contentsignals.org asks for, so a signal line is read as the reservation it is. */
const CONTENT_SIGNALS_PREAMBLE = `# As a condition of accessing this website, you agree to abide by the following content signals:
# (a)  If a content-signal = yes, you may collect content for the corresponding use.
# (b)  If a content-signal = no, you may not collect content for the corresponding use.
# (c)  If the website operator does not include a content signal for a corresponding use, the website operator neither grants nor restricts permission via content signal with respect to the corresponding use.
# The content signals and their meanings are:
# search: building a search index and providing search results (e.g., returning hyperlinks and short excerpts from your website's contents).  Search does not include providing AI-generated search summaries.
# ai-input: inputting content into one or more AI models (e.g., retrieval augmented generation, grounding, or other real-time taking of content for generative AI search answers).
# ai-train: training or fine-tuning AI models.
# ANY RESTRICTIONS EXPRESSED VIA CONTENT SIGNALS ARE EXPRESS RESERVATIONS OF RIGHTS UNDER ARTICLE 4 OF THE EUROPEAN UNION DIRECTIVE 2019/790 ON COPYRIGHT AND RELATED RIGHTS IN THE DIGITAL SINGLE MARKET.`;

export function robotsTxt(terms: OperatorTerms, settings: Settings): string {
  const signals = Object.entries(terms.aiUse)
    .map(([use, value]) => `${use}=${value}`)
    .join(', ');
  const blocked = terms.blockedCrawlers.map((agent) => `User-Agent: ${agent}\nDisallow: /\n`);
  return [
    `# wiregate: public excerpts only; full text is licensed. Terms: ${urlsFor(settings).license}`,
    CONTENT_SIGNALS_PREAMBLE,
    '',
    ...blocked,
    'User-Agent: *',
    `Content-Signal: ${signals}`,
    'Allow: /',
    '',
    `License: ${urlsFor(settings).rsl}`,
    '',
  ].join('\n');
}

/** /.well-known/tdmrep.json: text and data mining is reserved everywhere, with the policy to get consent. */
export function tdmrepJson(settings: Settings): string {
  return `${JSON.stringify([{ location: '/*', 'tdm-reservation': 1, 'tdm-policy': urlsFor(settings).tdmPolicy }], null, 2)}\n`;
}

const tdm = new WeakMap<Settings, Readonly<Record<string, string>>>();

/** The TDMRep headers story and feed responses carry (built once per settings). */
export function tdmHeaders(settings: Settings): Readonly<Record<string, string>> {
  let headers = tdm.get(settings);
  if (!headers) tdm.set(settings, (headers = Object.freeze({ 'tdm-reservation': '1', 'tdm-policy': urlsFor(settings).tdmPolicy })));
  return headers;
}
