// Escaping for HTML and XML text. XML 1.0 cannot carry some characters at all; those are replaced.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/**
 * Characters XML 1.0 forbids even as references (§2.2): C0 controls but tab/LF/CR, U+FFFE/U+FFFF,
 * and unpaired surrogates. They become U+FFFD so a feed stays well-formed; nothing else changes.
 */
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(text: string): string {
  return text.replace(XML_ILLEGAL, '\uFFFD');
}

/**
 * Escapes for XML text and attribute values alike: `>` too, so `]]>` can never appear, and line
 * breaks as references, so no parser normalises them and the writer may indent freely.
 */
export function escapeXml(text: string): string {
  return escapeHtml(xmlSafe(text)).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
}
