// ODRL 2.2 policies with the IPTC RightsML profile: the public Offer, a licensee's own Agreement,
// and the TDMRep policy. All are JSON-LD derived from licenses/ and the catalog.

import type { Licensee } from '../registry/registry.ts';
import { urlsFor } from '../render/view.ts';
import type { Settings } from '../settings.ts';
import type { OperatorTerms } from './terms.ts';

const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
const RIGHTSML_PROFILE = 'https://iptc.org/std/RightsML/odrl-profile/';
const RIGHTSML_CONTEXT = 'https://iptc.org/std/RightsML/odrl-profile/rightsml.jsonld';
/** Prefixes for the party details and the link to the human-readable license (dct:license). */
const PREFIXES = { vcard: 'http://www.w3.org/2006/vcard/ns#', dct: 'http://purl.org/dc/terms/' };

export type Policy = Record<string, unknown>;

function assigner(terms: OperatorTerms, settings: Settings): Policy {
  return {
    '@type': 'Party',
    uid: urlsFor(settings).operator,
    'vcard:fn': terms.operator,
    ...(terms.contact ? { 'vcard:hasEmail': `mailto:${terms.contact.email}`, 'vcard:hasURL': terms.contact.url } : {}),
  };
}

/**
 * What any license grants, offered to all: distribute the feeds' stories, with the duty to
 * attribute and to pay. Territory and time are agreed per licensee and appear in the Agreement.
 */
export function publicOffer(terms: OperatorTerms, feedIds: readonly string[], settings: Settings, target?: string): Policy {
  const urls = urlsFor(settings);
  const targets = target ? [target] : feedIds.map((id) => urls.feed(id));
  return {
    '@context': [ODRL_CONTEXT, RIGHTSML_CONTEXT, PREFIXES],
    '@type': 'Offer',
    uid: urls.offer,
    profile: RIGHTSML_PROFILE,
    'dct:license': urlsFor(settings).license,
    assigner: assigner(terms, settings),
    permission: targets.map((t) => ({
      target: t,
      action: 'distribute',
      duty: [{ action: 'attribute' }, { action: 'compensate' }],
    })),
    prohibition: targets.map((t) => ({ target: t, action: 'modify' })),
  };
}

/** One licensee's own terms, shown only to that licensee: the feeds its license and token both grant. */
export function agreement(terms: OperatorTerms, licensee: Licensee, grantedFeeds: readonly string[], tokenId: string, settings: Settings): Policy {
  const urls = urlsFor(settings);
  const constraint: Policy[] = [
    { leftOperand: 'dateTime', operator: 'gteq', rightOperand: { '@value': licensee.validFrom, '@type': 'xsd:dateTime' } },
    { leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': licensee.validUntil, '@type': 'xsd:dateTime' } },
  ];
  if (licensee.territories) {
    constraint.push({
      leftOperand: 'spatial',
      operator: 'isAnyOf',
      rightOperand: licensee.territories.map((t) => ({ '@id': `http://cvx.iptc.org/iso3166-1a2/${t}` })),
    });
  }
  return {
    '@context': [ODRL_CONTEXT, RIGHTSML_CONTEXT, PREFIXES, { xsd: 'http://www.w3.org/2001/XMLSchema#' }],
    '@type': 'Agreement',
    uid: `urn:wiregate:agreement:${encodeURIComponent(licensee.license)}:${encodeURIComponent(tokenId)}`,
    profile: RIGHTSML_PROFILE,
    'dct:license': urlsFor(settings).license,
    assigner: assigner(terms, settings),
    assignee: { '@type': 'Party', uid: `urn:wiregate:licensee:${licensee.id}`, 'vcard:fn': licensee.name },
    permission: grantedFeeds.map((feed) => ({
      target: feed === '*' ? urls.feeds : urls.feed(feed),
      action: 'distribute',
      constraint,
      duty: [{ action: 'attribute' }],
    })),
  };
}

/** The TDMRep policy (W3C CG report): mining is reserved; consent comes with a license. */
export function tdmPolicy(terms: OperatorTerms, settings: Settings): Policy {
  return {
    '@context': [ODRL_CONTEXT, 'http://www.w3.org/ns/tdmrep.jsonld'],
    '@type': 'Offer',
    profile: 'http://www.w3.org/ns/tdmrep',
    uid: urlsFor(settings).tdmPolicy,
    assigner: assigner(terms, settings),
    permission: [{ action: 'tdm:mine', duty: [{ action: 'obtainConsent' }] }],
  };
}
