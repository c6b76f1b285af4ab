// Raw jose ES256 verification rate, the ceiling for the distinct-token scenarios. Run as a child process
// on the server's core: `node --import tsx bench/jose-rate.ts <jwk.json> <tokens file> <seconds>`;
// prints verifications per second.

import { readFileSync } from 'node:fs';
import { importJWK, jwtVerify, type JWK } from 'jose';

const [jwkFile, tokensFile, seconds] = process.argv.slice(2) as [string, string, string];
const key = await importJWK(JSON.parse(readFileSync(jwkFile, 'utf8')) as JWK, 'ES256');
const tokens = readFileSync(tokensFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.replace(/^Bearer /, ''));
const options = { issuer: 'wiregate-local', audience: 'wiregate', algorithms: ['ES256'], typ: 'license+jwt' };
for (let i = 0; i < 200; i++) await jwtVerify(tokens[i % tokens.length]!, key, options); // warm the JIT
let n = 0;
const t0 = performance.now();
const until = t0 + Number(seconds) * 1000;
while (performance.now() < until) await jwtVerify(tokens[n++ % tokens.length]!, key, options);
process.stdout.write(`${Math.round(n / ((performance.now() - t0) / 1000))}\n`);
