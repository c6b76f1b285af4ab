// A tiny namespace-aware XML tree over saxes, shared by the Node and workerd runs (Web APIs only).
// parseXml fails the test on any well-formedness or namespace error.

import { SaxesParser } from 'saxes';
import { expect } from 'vitest';

export interface XNode {
  readonly name: string;
  readonly local: string;
  readonly uri: string;
  /**
   * Attributes by local name; a namespaced one (including an xmlns declaration) as `{uri}local`,
   * e.g. `{http://www.w3.org/2000/xmlns/}atom` for `xmlns:atom`.
   */
  readonly attrs: Record<string, string>;
  /** Namespace declarations made on this element (prefix → URI; '' for the default). */
  readonly ns: Record<string, string>;
  readonly children: (XNode | string)[];
}

/** Strict, namespace-aware parse with saxes; any well-formedness or namespace error fails the test. */
export function parseXml(xml: string, label: string): XNode {
  const parser = new SaxesParser({ xmlns: true, fileName: label });
  const errors: string[] = [];
  const stack: XNode[] = [];
  let root: XNode | undefined;
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    const node: XNode = { name: tag.name, local: tag.local, uri: tag.uri, attrs, ns: { ...tag.ns }, children: [] };
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => void stack.at(-1)?.children.push(t));
  parser.on('cdata', (t) => void stack.at(-1)?.children.push(t));
  parser.write(xml).close();
  expect(errors, `${label}: saxes errors`).toEqual([]);
  if (!root) throw new Error(`${label}: no root element`);
  return root;
}

/** The child elements of `node` named `local` in namespace `uri` ('' for none). */
export function kids(node: XNode, uri: string, local: string): XNode[] {
  return node.children.filter((c): c is XNode => typeof c !== 'string' && c.uri === uri && c.local === local);
}

/** The one child element named `local` in namespace `uri`; exactly one must exist. */
export function kid(node: XNode, uri: string, local: string): XNode {
  const found = kids(node, uri, local);
  expect(found.length, `<${node.name}> has one <${local}> in ${uri || 'no namespace'}`).toBe(1);
  return found[0]!;
}

/** All the text inside `node`, in document order. */
export function textOf(node: XNode): string {
  return node.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** Every element below `node` (not `node` itself), in document order. */
export function descendants(node: XNode): XNode[] {
  return node.children.flatMap((c) => (typeof c === 'string' ? [] : [c, ...descendants(c)]));
}
