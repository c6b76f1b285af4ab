// How a person becomes a licensee, in plain words, from the operator's terms: shared by /license and the story page.

import type { OperatorTerms } from '../rights/terms.ts';
import { escapeHtml as h } from './escape.ts';

/** Said when licenses/terms.json is absent, so a reader is never sent looking for a contact that does not exist. */
export const NO_CONTACT = 'This gateway has not published a licensing contact yet.';

/** One paragraph: who to write to and what happens next, or that no contact is configured. */
export function howToLicenseHtml(terms: OperatorTerms): string {
  const { contact } = terms;
  if (!contact) {
    return `<p class="contact">To license these stories, ask the organisation that runs this site. ${h(NO_CONTACT)}</p>`;
  }
  const email = `<a href="mailto:${h(contact.email)}">${h(contact.email)}</a>`;
  const site = `<a href="${h(contact.url)}">${h(contact.url)}</a>`;
  return `<p class="contact">To license these stories, write to ${h(terms.operator)} at ${email} or visit ${site}. Once you agree a license, you receive the full text of every story in the feeds it covers, in your newsroom's own systems.</p>`;
}
