// The operator's statement of terms (licenses/terms.json): who to contact, where licenses are had, AI-use stance.

import type { FieldReader } from '../catalog/fields.ts';

export type Signal = 'yes' | 'no';

export interface OperatorTerms {
  /** Who runs this gateway and offers the licenses (the ODRL assigner). */
  readonly operator: string;
  /** Absent when licenses/terms.json is: the license pages then say plainly that no contact is configured. */
  readonly contact?: { readonly email: string; readonly url: string };
  /** RSL license server (the `server` attribute of `<content>`); absent without terms.json. */
  readonly licenseServer?: string;
  /** RSL payment type for a full-text license; the URL is absent without terms.json. */
  readonly payment: { readonly type: PaymentType; readonly url?: string };
  /** Content-signal style stance for uses of the public excerpt. */
  readonly aiUse: { readonly search: Signal; readonly 'ai-input': Signal; readonly 'ai-train': Signal };
  /** User agents told `Disallow: /` in robots.txt; empty by default, so search indexing is never blocked unasked. */
  readonly blockedCrawlers: readonly string[];
}

export const PAYMENT_TYPES = ['purchase', 'subscription', 'training', 'crawl', 'use', 'contribution', 'attribution', 'free'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

const FIELDS = ['operator', 'contact', 'licenseServer', 'payment', 'aiUse', 'blockedCrawlers'];
const HTTP_URL = /^https?:\/\/[^\s"<>]+$/;
const EMAIL = /^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>]+$/;

/**
 * The terms when licenses/terms.json is absent (SPEC §2: optional): no contact, no license server,
 * the conservative AI-use stance (search only) and no crawler blocked.
 */
export const DEFAULT_TERMS: OperatorTerms = Object.freeze<OperatorTerms>({
  operator: 'The operator of this gateway',
  payment: { type: 'subscription' },
  aiUse: { search: 'yes', 'ai-input': 'no', 'ai-train': 'no' },
  blockedCrawlers: [],
});

export function readTerms(reader: FieldReader, raw: unknown): OperatorTerms | undefined {
  const obj = reader.object(raw);
  if (!obj) return undefined;
  reader.unknownFields(obj, FIELDS);
  const sub = (field: string) => reader.object(obj[field] ?? null, field) ?? {};
  const contact = sub('contact');
  const payment = sub('payment');
  const aiUse = sub('aiUse');
  const nested = (o: Record<string, unknown>, prefix: string, field: string, pattern: RegExp) => {
    const value = o[field];
    if (typeof value !== 'string' || !pattern.test(value)) reader.error(`${prefix}.${field}`, `must match ${pattern.source}`);
    return typeof value === 'string' ? value : '';
  };
  const signal = (field: keyof OperatorTerms['aiUse']): Signal => {
    const value = aiUse[field];
    if (value !== 'yes' && value !== 'no') reader.error(`aiUse.${field}`, 'must be "yes" or "no"');
    return value === 'yes' ? 'yes' : 'no';
  };
  const paymentType = payment['type'];
  if (!PAYMENT_TYPES.includes(paymentType as PaymentType)) reader.error('payment.type', `must be one of ${PAYMENT_TYPES.join(', ')}`);
  const terms: OperatorTerms = {
    operator: reader.string(obj, 'operator'),
    contact: { email: nested(contact, 'contact', 'email', EMAIL), url: nested(contact, 'contact', 'url', HTTP_URL) },
    licenseServer: reader.string(obj, 'licenseServer', { pattern: HTTP_URL }),
    payment: { type: (paymentType as PaymentType) ?? 'subscription', url: nested(payment, 'payment', 'url', HTTP_URL) },
    aiUse: { search: signal('search'), 'ai-input': signal('ai-input'), 'ai-train': signal('ai-train') },
    blockedCrawlers: reader.strings(obj, 'blockedCrawlers', { optional: true, pattern: /^[A-Za-z0-9._*-]{1,64}$/ }) ?? [],
  };
  return reader.problems.some((p) => p.severity === 'error') ? undefined : Object.freeze(terms);
}
