// A minimal XML writer: every string is escaped on the way in, so markup comes only from el().

import { escapeXml } from './escape.ts';

export class Xml {
  constructor(readonly markup: string) {}
}

type Child = Xml | string | undefined | false | readonly Child[];

/** An element; string children are text (escaped), Xml children are nested elements. */
export function el(name: string, attrs: Record<string, string | undefined> | null, ...children: Child[]): Xml {
  let open = `<${name}`;
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined) open += ` ${key}="${escapeXml(value)}"`;
  }
  const flat = flatten(children);
  if (flat.length === 0) return new Xml(`${open}/>`);
  const nested = flat.some((c) => c instanceof Xml);
  const inner = flat.map((c) => (c instanceof Xml ? c.markup : escapeXml(c)));
  if (!nested) return new Xml(`${open}>${inner.join('')}</${name}>`);
  return new Xml(`${open}>\n${inner.map(indent).join('\n')}\n</${name}>`);
}

export function xmlDocument(root: Xml): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${root.markup}\n`;
}

function flatten(children: readonly Child[]): (Xml | string)[] {
  const out: (Xml | string)[] = [];
  for (const child of children) {
    if (child === undefined || child === false) continue;
    if (Array.isArray(child)) out.push(...flatten(child));
    else out.push(child as Xml | string);
  }
  return out;
}

/**
 * Indents after line feeds only: text never holds a raw one (escapeXml writes &#10;), whereas
 * /^/m would also match after U+2028 and U+2029 and put spaces into the story text.
 */
function indent(markup: string): string {
  return `  ${markup.replaceAll('\n', '\n  ')}`;
}
