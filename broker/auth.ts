// Mock HelseID: signs access tokens (ES256, jose) for the test users in fixtures/users.json and
// checks them on every FHIR request. The key pair is made once per database and kept in it.
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, errors, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { testUsers, type TestUser } from '../fixtures/users';
import type { Db } from './db';
import { problem } from './outcome';

export { testUsers };
export type { TestUser, UserRole } from '../fixtures/users';

export const TOKEN_ISSUER = 'urn:samstem:mock-helseid';
export const TOKEN_AUDIENCE = 'samstem-broker';
const ALG = 'ES256';

/** HelseID's claim names for the HPR number and the organisation (as in real HelseID tokens). */
const CLAIM = { hpr: 'helseid://claims/hpr/hpr_number', orgNr: 'helseid://claims/client/claims/orgnr_parent', name: 'name', role: 'samstem_role' } as const;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** The database's signing key, made and stored on first use. */
export async function signingKey(db: Db): Promise<SigningKey> {
  let row = db.prepare('SELECT kid, private_jwk, public_jwk FROM signing_keys ORDER BY created_at LIMIT 1').get() as { kid: string; private_jwk: string; public_jwk: string } | undefined;
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    const priv = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    const pub = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    // INSERT OR IGNORE + re-read: two brokers opening a new file at once end up with the same key.
    db.prepare('INSERT OR IGNORE INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)').run(kid, ALG, JSON.stringify(priv), JSON.stringify(pub), new Date().toISOString());
    row = db.prepare('SELECT kid, private_jwk, public_jwk FROM signing_keys ORDER BY created_at LIMIT 1').get() as { kid: string; private_jwk: string; public_jwk: string };
  }
  const publicJwk = JSON.parse(row.public_jwk) as JWK;
  return {
    kid: row.kid,
    privateKey: (await importJWK(JSON.parse(row.private_jwk) as JWK, ALG)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
    publicJwk,
  };
}

export async function issueToken(key: SigningKey, user: TestUser, now: Date, ttlSeconds: number): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ [CLAIM.name]: user.name, [CLAIM.hpr]: user.hpr, [CLAIM.orgNr]: user.organisation.orgNr, [CLAIM.role]: user.role })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(user.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

const unauthorized = (nb: string, en: string) => problem(401, 'login', nb, en);

/** The user a bearer token was issued to; throws a 401 problem when it is missing, forged or expired. */
export async function authenticate(key: SigningKey, authorization: string | undefined, now: Date): Promise<TestUser> {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '');
  if (!m) throw unauthorized('Du er ikke logget inn: forespørselen mangler tilgangsbevis (Authorization: Bearer). Logg inn på nytt.', 'Missing bearer token: get one from POST /auth/token.');
  try {
    const { payload } = await jwtVerify(m[1]!, key.publicKey, { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: [ALG], currentDate: now });
    const user = testUsers.find((u) => u.id === payload.sub);
    if (!user) throw unauthorized('Brukeren i tilgangsbeviset finnes ikke lenger. Logg inn på nytt.', 'The token names an unknown user.');
    return user;
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw unauthorized('Innloggingen er utløpt. Logg inn på nytt.', 'The token has expired.');
    if (e instanceof errors.JOSEError) throw unauthorized('Tilgangsbeviset er ugyldig (ikke utstedt av denne testmegleren). Logg inn på nytt.', `Invalid token: ${e.code}.`);
    throw e;
  }
}
