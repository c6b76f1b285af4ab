// Text and HTML helpers shared by the Node and workerd runs (Web APIs only, no DOM): the forms in which a
// response body may carry story text, and tags and scripts found by pattern.

/** Decodes the character references HTML and XML writers use. */
export function unescapeMarkup(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, ref: string) => {
    const r = ref.toLowerCase();
    if (r.startsWith('#x')) return String.fromCodePoint(parseInt(r.slice(2), 16));
    if (r.startsWith('#')) return String.fromCodePoint(parseInt(r.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[r]!;
  });
}

/** decodeURIComponent, or the value unchanged where it is not valid percent-encoding. */
export function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface JsonStringOptions {
  /** Also descend into strings that are themselves JSON (e.g. ODRL's encodedRights). */
  readonly nested?: boolean;
}

/** Every string value inside a JSON value, in document order, so escaped text is compared as text. */
export function jsonStrings(value: unknown, options: JsonStringOptions = {}): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(v);
      if (options.nested && /^\s*[[{]/.test(v)) {
        try {
          walk(JSON.parse(v));
        } catch {
          // a string that merely looks like JSON
        }
      }
    } else if (Array.isArray(v)) for (const item of v) walk(item);
    else if (v && typeof v === 'object') for (const item of Object.values(v)) walk(item);
  };
  walk(value);
  return out;
}

export interface ReadingOptions extends JsonStringOptions {
  /** Also a JSON body re-serialised by JSON.stringify (before its string values). */
  readonly reserialized?: boolean;
  /** Also the string values of the JSON inside every <script> element (JSON-LD in HTML). */
  readonly scripts?: boolean;
  /** Also every reading with each run of white space collapsed to one space. */
  readonly collapsedWhitespace?: boolean;
}

/**
 * The forms in which a body may carry text: raw, entity-decoded (twice, for HTML inside XML) and, for
 * JSON, its string values joined by newlines; `options` adds further forms.
 */
export function readings(body: string, options: ReadingOptions = {}): string[] {
  const once = unescapeMarkup(body);
  const out = [body, once, unescapeMarkup(once)];
  try {
    const doc: unknown = JSON.parse(body);
    if (options.reserialized) out.push(JSON.stringify(doc));
    out.push(jsonStrings(doc, options).join('\n'));
  } catch {
    // not JSON
  }
  if (options.scripts) {
    for (const script of scripts(body)) {
      try {
        out.push(jsonStrings(JSON.parse(script.text), options).join('\n'));
      } catch {
        // not JSON
      }
    }
  }
  return options.collapsedWhitespace ? [...out, ...out.map((r) => r.replace(/\s+/g, ' '))] : out;
}

/**
 * What lies past an excerpt of the first `excerptParagraphs` paragraphs: the later paragraphs whole, and
 * each of their sentences of 25 characters or more.
 */
export function pastExcerpt(body: readonly string[], excerptParagraphs: number): string[] {
  const later = body.slice(excerptParagraphs);
  const sentences = later.flatMap((p) => p.split(/(?<=[.!?])\s+/)).filter((s) => s.length >= 25);
  return [...later, ...sentences];
}

// ---- HTML: tags and scripts by pattern (no DOM in workerd) -------------------------------------

/** The attributes of a start tag's text (names lower-cased, values entity-decoded). */
export function attrsOf(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([^\s=<>"'/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    attrs[m[1]!.toLowerCase()] = unescapeMarkup(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/** The attributes of every `<name …>` start tag in the document. */
export function htmlTags(html: string, name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'gi'))].map((m) => attrsOf(m[0].slice(name.length + 1)));
}

/** Every <script> element: its attributes and its raw text. */
export function scripts(html: string): { attrs: Record<string, string>; text: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)].map((m) => ({ attrs: attrsOf(m[1]!), text: m[2]! }));
}
