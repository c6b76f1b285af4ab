// parseAuthorization against the rule it implements, spelled out word by word: trim the value; a comma,
// or a scheme's name as any word after the first, is a second credential; then the value must be
// Bearer or License, and what follows the whitespace after it is the token. The parser does this with
// one regular expression per step (garbage refusals parse every value they get); the oracle here splits
// the value into words, as the first version did. Random values over an alphabet of the characters
// that matter (kinds of whitespace JavaScript's \s and trim() know, two lookalikes that are not, commas,
// scheme names). The challenge's scheme is checked against schemeOf(header), as the first version read it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthorization, schemeOf } from '../src/access/credentials.ts';

function oracle(header: string): string {
  const value = header.trim();
  const words = value.split(/\s+/);
  if (value.includes(',') || words.slice(1).some((word) => /^(Bearer|License|Basic|Token|Digest)$/i.test(word))) return 'multiple_credentials';
  const match = /^(Bearer|License)(?:\s+(.*))?$/i.exec(value);
  if (!match) return 'unsupported_scheme';
  if (!match[2]) return 'invalid_request';
  return `${schemeOf(header)} ${match[2]}`;
}

function parsed(header: string): string {
  const result = parseAuthorization(header);
  return 'code' in result ? result.code : `${result.scheme} ${result.token}`;
}

const PIECES = [
  'Bearer',
  'bearer',
  'BEARER',
  'License',
  'license',
  'Basic',
  'token',
  'Digest',
  'Bearerx',
  'xLicense',
  'eyJhbGciOiJFUzI1NiJ9.e30.c2ln',
  'garbage-1-5wv70ag2rub',
  'a',
  '.',
  ',',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2003',
  '\u200a',
  '\u2029',
  '\u202f',
  '\u205f',
  // Not whitespace to \s or trim(): they stay inside a word.
  '\u0085',
  '\u200b',
  '\u2028',
  '\u3000',
  '\ufeff',
];

describe('parseAuthorization', () => {
  it('gives the rule’s answer for random values (2,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), (pieces) => {
        const header = pieces.join('');
        expect(parsed(header)).toBe(oracle(header));
      }),
      { seed: 20261203, numRuns: 2_000 },
    );
  });

  it('gives the rule’s answer for the shapes the refusal tests name', () => {
    for (const header of [
      'Bearer abc',
      'License abc',
      '  license   abc.def.ghi  ',
      'Bearer abc, Bearer def',
      'Bearer abc Basic',
      'Bearer abc\tlicense',
      'Bearer abc\u00a0Token x',
      'Bearer Bearer',
      'Bearer',
      'Bearer ',
      'Basic abc',
      'Bearerabc',
      'Bearer abc Tokens',
      '',
    ])
      expect(parsed(header), JSON.stringify(header)).toBe(oracle(header));
  });
});
