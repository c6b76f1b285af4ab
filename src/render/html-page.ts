// The HTML shell shared by every page: head, styles and the license link (SPEC §6).

import { FEED_FORMATS } from '../routes/table.ts';
import { escapeHtml as h } from './escape.ts';

export interface PageOptions {
  readonly title: string;
  /** The public base URL; the license links derive from it. */
  readonly base: string;
  readonly lang?: string;
  /** Extra, already-escaped markup for <head>. */
  readonly head?: string;
  /** Already-escaped markup for <main>. */
  readonly main: string;
}

const STYLE = `
body{margin:0;font:18px/1.55 Georgia,'Times New Roman',serif;color:#1b1b1b;background:#fbfaf7}
main{max-width:42rem;margin:0 auto;padding:2rem 1.25rem 4rem}
header.site{font:600 14px/1 system-ui,sans-serif;letter-spacing:.08em;text-transform:uppercase;margin-bottom:2rem}
header.site a{color:#8a1c1c;text-decoration:none}
h1{font-size:2.1rem;line-height:1.2;margin:.2rem 0 .8rem}
.meta,.kicker,.attribution,.notice,.license-cta,table{font-family:system-ui,sans-serif;font-size:15px}
.kicker{color:#8a1c1c;text-transform:uppercase;letter-spacing:.06em;margin:0}
.meta{color:#555}
.dateline{font-weight:700;text-transform:uppercase}
.notice{background:#fff4d6;border-left:4px solid #d9a400;padding:.6rem .9rem}
.licensed{background:#e7f4ea;border-left-color:#2e7d32}
.attribution{border-top:1px solid #ccc;margin-top:2rem;padding-top:1rem;color:#333}
.attribution dt{font-weight:600}.attribution dd{margin:0 0 .5rem}
.license-cta{background:#f1f1f1;padding:1rem;margin-top:1.5rem}
code{font-size:14px;background:#eee;padding:0 .2rem}
table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}
`;

export function page(options: PageOptions): string {
  return `<!doctype html>
<html lang="${h(options.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(options.title)}</title>
<link rel="license" href="${h(options.base)}/license">
<link rel="license" type="application/rsl+xml" href="${h(options.base)}/license.xml">
${options.head ?? ''}<style>${STYLE}</style>
</head>
<body>
<main>
<header class="site"><a href="/">wiregate</a></header>
${options.main}
</main>
</body>
</html>
`;
}

/** `<link rel="alternate">` to a feed's three formats, so a reader given the page finds its feeds. */
export function feedLinks(id: string, title: string, feedUrl: (id: string, file: string) => string): string {
  return FEED_FORMATS.map(
    ({ type, file, label }) => `<link rel="alternate" type="${type}" title="${h(`${title} (${label})`)}" href="${h(feedUrl(id, file))}">\n`,
  ).join('');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "24 November 2021, 00:00 UTC": fixed format, no locale data, same bytes on every runtime. */
export function humanDate(iso: string): string {
  const d = new Date(iso);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
