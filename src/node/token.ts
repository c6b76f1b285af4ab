// Signs license tokens for the CLI and the demo server.

import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './demo.ts';

export interface TokenRequest {
  readonly sub: string;
  readonly scope: string;
  readonly ttlSeconds: number;
  readonly issuer: string;
  readonly audience: string;
  readonly jti?: string;
  /** License tokens (SPEC §3) by default; operator tokens (SPEC §10) for the operator API. */
  readonly typ?: 'license+jwt' | 'operator+jwt';
}

export function signToken(key: SigningKey, req: TokenRequest, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ scope: req.scope })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: req.typ ?? 'license+jwt' })
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setSubject(req.sub)
    .setJti(req.jti ?? randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + req.ttlSeconds)
    .sign(key.privateKey);
}
