// The story as plain text: headline, dateline, paragraphs, then the attribution block.

import { EXCERPT_NOTE, leadNotes, type StoryView } from './view.ts';

export function storyText(view: StoryView): string {
  const { story, attribution: a } = view;
  const lines = [story.headline, '', `${story.dateline ? `${story.dateline} · ` : ''}${story.published}`, ''];
  for (const note of leadNotes(view)) lines.push(note, '');
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
