// The story as an IPTC ninjs 3.1 document, holding exactly the paragraphs the view allows.

import type { StoryView } from './view.ts';

/** `policy` is the RightsML policy for this copy: the public Offer, or the licensee's own Agreement. */
export function storyNinjs(view: StoryView, policy: Record<string, unknown>): Record<string, unknown> {
  const { story, attribution: a } = view;
  const text = view.paragraphs.join('\n\n');
  const bodies: Record<string, unknown>[] = [
    {
      role: view.tier === 'licensed' ? 'main' : 'excerpt',
      contentType: 'text/plain',
      charCount: text.length,
      wordCount: text.split(/\s+/).filter(Boolean).length,
      value: text,
    },
  ];
  if (view.license) bodies.push({ role: 'license', contentType: 'text/plain', value: view.license.line });
  return {
    uri: a.canonicalUrl,
    standard: { name: 'ninjs', version: '3.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#' },
    type: 'text',
    representationType: view.tier === 'licensed' ? 'full' : 'partial',
    version: String(story.version),
    firstCreated: story.published,
    versionCreated: story.updated,
    pubStatus: 'usable',
    ...(view.embargoedUntil ? { embargoedUntil: view.embargoedUntil } : {}),
    ...(story.correction ? { descriptions: [{ role: 'correction', contentType: 'text/plain', value: story.correction }] } : {}),
    language: 'en',
    slugline: story.slug,
    located: story.dateline || undefined,
    headlines: [{ role: 'main', value: story.headline }],
    bodies,
    infoSources: [{ name: a.source, role: 'source' }],
    copyrightHolder: a.rightsHolder,
    copyrightNotice: a.copyrightNotice,
    usageTerms: a.usageTerms,
    rightsInfo: { langId: 'http://www.w3.org/ns/odrl/2/', encodedRights: JSON.stringify(policy) },
    ...(view.license ? { altIds: [{ role: 'receipt', value: view.license.receipt }] } : {}),
  };
}
