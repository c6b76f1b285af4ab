// Issue 11, finding 4: nobody can churn the verified-token cache. Refused tokens — free to make (alg
// HS256/none need no key) or signed but refused — never evict a licensee's verified token. The key
// source counts lookups: a cache hit verifies nothing, so it asks for no key.

import { describe, expect, it } from 'vitest';
import { localKeySource, type KeySource } from '../src/access/keys.ts';
import { verifyTokenCached } from '../src/access/token-cache.ts';
import { Problem } from '../src/problem.ts';
import { settingsFrom } from '../src/settings.ts';
import { BINDINGS, gateway } from './support/gateway.ts';

const b64u = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** A distinct, well-shaped token with an algorithm we never accept; no key is needed to make it. */
function junk(i: number, alg: string): string {
  const header = b64u(JSON.stringify({ alg, kid: 'test-es256', typ: 'license+jwt' }));
  const payload = b64u(JSON.stringify({ sub: 'demo-newsroom', jti: `junk-${i}`, pad: 'x'.repeat(64) }));
  return `${header}.${payload}.${b64u(`signature-${i}-`.repeat(4))}`;
}

async function refusalCode(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    if (err instanceof Problem) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('token cache churn', () => {
  it('12,000 distinct HS256/none tokens and 1,200 signed refusals do not evict a verified token', async () => {
    const gw = await gateway();
    const local = localKeySource(gw.data.registry.jwks);
    let lookups = 0;
    const keys: KeySource = (header, token) => {
      lookups++;
      return local(header, token);
    };
    const settings = settingsFrom({ ...BINDINGS });
    const now = Date.now();
    const licensed = await gw.token();

    await verifyTokenCached(licensed, keys, settings, now);
    expect(lookups).toBe(1);
    await verifyTokenCached(licensed, keys, settings, now);
    expect(lookups).toBe(1); // a hit

    for (let i = 0; i < 12_000; i++) {
      expect(await refusalCode(verifyTokenCached(junk(i, i % 2 ? 'HS256' : 'none'), keys, settings, now))).toBe('token_header_invalid');
    }
    expect(lookups).toBe(1); // refused on the header alone: no key was even looked up

    // Refusals that need a trusted signature first (a licensee's own key, wrong audience): cached, but apart.
    const signed = await Promise.all(Array.from({ length: 1_200 }, (_, i) => gw.token({ aud: `elsewhere-${i}` })));
    for (const token of signed) expect(await refusalCode(verifyTokenCached(token, keys, settings, now))).toBe('token_claims_invalid');
    expect(lookups).toBe(1 + 1_200);

    await verifyTokenCached(licensed, keys, settings, now);
    expect(lookups).toBe(1 + 1_200); // still a cache hit
  }, 60_000);
});
