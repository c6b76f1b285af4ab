// RSL 1.0 (rslstandard.org): the license document at /license.xml and the per-item blocks in RSS.

import { el, xmlDocument, type Xml } from '../render/xml.ts';
import { urlsFor } from '../render/view.ts';
import type { Settings } from '../settings.ts';
import type { OperatorTerms } from './terms.ts';

export const RSL_NAMESPACE = 'https://rslstandard.org/rsl';
export const RSL_TYPE = 'application/rsl+xml';

interface ContentOptions {
  readonly url: string;
  readonly rightsHolder: string;
  readonly terms: OperatorTerms;
  readonly termsUrl: string;
  /** "rsl:" inside RSS, where the default namespace is not RSL's. */
  readonly prefix?: string;
}

/**
 * One `<content>`: the public excerpt may be used as the AI-use stance says (search by default),
 * free; everything else — full text, any use — needs a paid license from the license server.
 */
export function rslContent(o: ContentOptions): Xml {
  const p = o.prefix ?? '';
  const uses = Object.entries(o.terms.aiUse);
  const permitted = uses.filter(([, v]) => v === 'yes').map(([k]) => k);
  const prohibited = uses.filter(([, v]) => v === 'no').map(([k]) => k);
  const excerpt = el(
    `${p}license`,
    null,
    permitted.length > 0 && el(`${p}permits`, { type: 'usage' }, permitted.join(' ')),
    prohibited.length > 0 && el(`${p}prohibits`, { type: 'usage' }, prohibited.join(' ')),
    el(`${p}payment`, { type: 'free' }),
  );
  const full = el(
    `${p}license`,
    null,
    el(`${p}permits`, { type: 'usage' }, 'all'),
    el(`${p}permits`, { type: 'user' }, 'commercial'),
    el(`${p}payment`, { type: o.terms.payment.type }, o.terms.payment.url !== undefined && el(`${p}custom`, null, o.terms.payment.url)),
  );
  return el(
    `${p}content`,
    { url: o.url, server: o.terms.licenseServer },
    excerpt,
    full,
    el(`${p}legal`, { type: 'warranty' }, 'authority'),
    el(`${p}legal`, { type: 'disclaimer' }, 'as-is'),
    el(`${p}copyright`, { type: 'organization', contactEmail: o.terms.contact?.email, contactUrl: o.terms.contact?.url }, o.rightsHolder),
    el(`${p}terms`, null, o.termsUrl),
  );
}

/** The whole gateway's RSL document: every story is under one `<content>` for the site. */
export function rslDocument(holders: readonly string[], terms: OperatorTerms, settings: Settings): string {
  const urls = urlsFor(settings);
  const content = rslContent({ url: urls.home, rightsHolder: holders.join('; ') || terms.operator, terms, termsUrl: urls.license });
  return xmlDocument(el('rsl', { xmlns: RSL_NAMESPACE }, content));
}
