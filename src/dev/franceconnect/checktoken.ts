import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { CompactEncrypt, importJWK, type JWK, SignJWT } from 'jose';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { SigningKeys } from './keys.js';
import type { Persona } from './personas.js';
import { franceConnectSub } from './subject.js';

/**
 * A data provider (fournisseur de données) as FranceConnect registers it: its credentials, the data scopes it may
 * be told about, and where it publishes the key FranceConnect encrypts its answers to.
 */
export interface DataProviderRegistration {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  jwksUri: string;
}

const checkTokenBody = z.object({ token: z.string().min(1), client_id: z.string().min(1), client_secret: z.string().min(1) });

// FranceConnect's own words for each refusal (quality/fcp … api-checktoken.feature).
const INVALID_REQUEST = { error: 'invalid_request', error_description: 'Required parameter missing or invalid.' };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Client authentication failed.' };

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The identity claims FranceConnect puts in an introspection: the pivot, never the e-mail nor the usage name. */
const introspectedIdentity = (persona: Persona) => ({
  gender: persona.gender,
  family_name: persona.family_name,
  given_name: persona.given_name,
  given_name_array: persona.given_name.split(' '),
  birthdate: persona.birthdate,
  birthplace: persona.birthplace,
  birthcountry: persona.birthcountry,
});

export interface CheckTokenOptions {
  issuer: string;
  provider: Provider;
  personas: ReadonlyMap<string, Persona>;
  keys: SigningKeys;
  dataProviders: DataProviderRegistration[];
  subSecret: string;
}

/**
 * POST /checktoken, as FranceConnect v2 answers a data provider: form `token`, `client_id`, `client_secret`; 200
 * `application/token-introspection+jwt`, a JWT signed by FranceConnect then encrypted to the provider's key, holding
 * `token_introspection`. An unknown or expired token is `{ active: false }`; the scope is cut to the provider's data
 * scopes (identity scopes stay), and `sub` is the provider's own.
 */
export function checkTokenRoute(options: CheckTokenOptions): RequestHandler[] {
  const { issuer, provider, personas } = options;
  const byClientId = new Map(options.dataProviders.map((dp) => [dp.clientId, dp]));
  const everyDataScope = new Set(options.dataProviders.flatMap((dp) => dp.scopes));
  const signingJwk = options.keys.privateJwks.keys.find((key) => key.alg === 'ES256');
  if (signingJwk === undefined) throw new Error('clé ES256 absente du FranceConnect local');

  const encryptionKeyOf = async (dp: DataProviderRegistration) => {
    const response = await fetch(dp.jwksUri, { signal: AbortSignal.timeout(5000) });
    const jwks = (await response.json()) as { keys?: JWK[] };
    const jwk = jwks.keys?.find((key) => key.use === 'enc' && (key.alg === 'RSA-OAEP' || key.alg === 'RSA-OAEP-256'));
    if (jwk?.alg === undefined) throw new Error(`aucune clé de chiffrement RSA-OAEP à ${dp.jwksUri}`);
    return { jwk, key: await importJWK(jwk, jwk.alg) };
  };

  const introspection = async (token: string, dp: DataProviderRegistration) => {
    const accessToken = await provider.AccessToken.find(token);
    const persona = accessToken?.accountId === undefined ? undefined : personas.get(accessToken.accountId);
    if (accessToken === undefined || persona === undefined || accessToken.isExpired) return { active: false };
    const scope = String(accessToken.scope ?? '')
      .split(' ')
      .filter((name) => name !== '' && (!everyDataScope.has(name) || dp.scopes.includes(name)));
    return {
      active: true,
      aud: accessToken.clientId,
      sub: franceConnectSub(persona, dp.clientId, options.subSecret),
      iat: accessToken.iat,
      exp: accessToken.exp,
      acr: 'eidas1',
      jti: accessToken.jti,
      scope: scope.join(' '),
      ...introspectedIdentity(persona),
    };
  };

  const handler: RequestHandler = async (req, res) => {
    const body = checkTokenBody.safeParse(req.body);
    if (!body.success) return res.status(400).json(INVALID_REQUEST);
    const dp = byClientId.get(body.data.client_id);
    if (dp === undefined || !sameSecret(body.data.client_secret, dp.clientSecret)) return res.status(401).json(INVALID_CLIENT);
    const signed = await new SignJWT({ token_introspection: await introspection(body.data.token, dp) })
      .setProtectedHeader({ alg: 'ES256', kid: signingJwk.kid })
      .setIssuer(issuer)
      .setAudience(dp.clientId)
      .setIssuedAt()
      .sign(await importJWK(signingJwk, 'ES256'));
    const encryption = await encryptionKeyOf(dp);
    const encrypted = await new CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: encryption.jwk.alg ?? 'RSA-OAEP', enc: 'A256GCM', kid: encryption.jwk.kid, cty: 'JWT' })
      .encrypt(encryption.key);
    res.status(200).type('application/token-introspection+jwt').send(encrypted);
  };
  return [express.urlencoded({ extended: false, limit: '8kb' }), handler];
}
