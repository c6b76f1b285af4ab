// The story as plain text: headline, dateline, paragraphs, then the attribution block.

import { embargoNote, EXCERPT_NOTE, type StoryView } from './view.ts';

export function storyText(view: StoryView): string {
  const { story, attribution: a } = view;
  const lines = [story.headline, '', `${story.dateline ? `${story.dateline} · ` : ''}${story.published}`, ''];
  if (view.embargoedUntil) lines.push(embargoNote(view.embargoedUntil), '');
  if (view.story.correction) lines.push(`Correction (version ${view.story.version}): ${view.story.correction}`, '');
  lines.push(view.license ? `${view.license.line}\nReceipt: ${view.license.receipt}` : `[${EXCERPT_NOTE}]`, '');
  for (const paragraph of view.paragraphs) lines.push(paragraph, '');
  lines.push(
    '---',
    `Source: ${a.source}`,
    `Rights holder: ${a.rightsHolder}`,
    a.copyrightNotice,
    `Usage terms: ${a.usageTerms}`,
    `Canonical URL: ${a.canonicalUrl}`,
    `License terms: ${a.licenseUrl}`,
    '',
  );
  return lines.join('\n');
}
