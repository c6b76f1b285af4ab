// HTML reduced to the text a reader sees: paragraphs separated by blank lines, entities decoded.

import { decodeEntities } from './entities.ts';

// Elements whose content is never shown as text (template content is inert; title is the tab, not the page).
// Not <head>: its end tag is optional, and a page that omits it must not lose its body.
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'title', 'svg', 'math']);
// Elements that start a new block on screen: each becomes a paragraph break.
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'option',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);
const BREAK = '\u0000';
const NAME = /[a-zA-Z][^\s/>]*/y;
// Source whitespace (and stray NULs, our break marker) renders as one space; only <br> breaks a line.
const SPACE = /[\s\u0000]+/g;

/** Index just past the tag that starts at `i` (after `<name`), honouring quoted attribute values. */
function tagEnd(html: string, i: number): number {
  let quote = '';
  for (; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return html.length;
}

/**
 * One forward pass over the markup, so the cost is linear in the input whatever its shape
 * (unclosed quotes or comments simply run to the end, as in a browser). Text runs are decoded
 * only after the markup is removed, so an encoded `&lt;script&gt;` stays text.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const closers = new Map<string, RegExp>();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > i) {
      const raw = html.slice(i, textEnd).replace(SPACE, ' ');
      out.push(decodeEntities(raw));
    }
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const closing = html[lt + 1] === '/';
    NAME.lastIndex = lt + (closing ? 2 : 1);
    const name = NAME.exec(html)?.[0].toLowerCase();
    if (!name) {
      if (html[lt + 1] === '!' || html[lt + 1] === '?' || closing)
        i = tagEnd(html, lt + 1); // doctype, CDATA, bogus
      else {
        out.push('<');
        i = lt + 1;
      } // a bare '<' is text
      continue;
    }
    i = tagEnd(html, NAME.lastIndex);
    if (!closing && HIDDEN.has(name)) {
      const end = closers.get(name) ?? new RegExp(`</${name}[\\s/>]`, 'gi');
      closers.set(name, end);
      end.lastIndex = i;
      const m = end.exec(html);
      i = m ? tagEnd(html, m.index + 2 + name.length) : html.length;
      out.push(BREAK);
    } else if (BLOCK.has(name)) out.push(BREAK);
    else if (name === 'br') out.push('\n');
  }
  return out
    .join('')
    .split(BREAK)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.replace(/ +/g, ' ').trim())
        .filter(Boolean)
        .join('\n'),
    )
    .filter(Boolean)
    .join('\n\n');
}
