import { randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errorUri, jsonErrorCode } from './fc-errors.js';

const JSON_ERROR_PATHS = new Set(['/token', '/userinfo', '/token/revocation']);

// Details that FranceConnect words differently: it runs oidc-provider 9.1.2, and its Redis store drops expired
// codes and tokens, so that expiry reads "not found" on the wire.
const FC_DETAILS: Record<string, string> = {
  'authorization code is expired': 'authorization code not found',
  'access token is expired': 'access token not found',
  'unsupported code_challenge_method': 'PKCE verification failed',
  'code_verifier must be provided': 'PKCE verification failed',
  'code_verifier does not match code_challenge': 'PKCE verification failed',
};

interface DetailedError {
  error_detail?: string;
}

/**
 * FranceConnect wraps oidc-provider's JSON errors: the description carries the detail in parentheses (the literal
 * "undefined" when there is none) and an error_uri names the FC code.
 */
export function installJsonErrorFormat(provider: Provider): void {
  const details = new WeakMap<object, string | undefined>();
  const remember = (ctx: KoaContextWithOIDC, error: DetailedError) => details.set(ctx, FC_DETAILS[error.error_detail ?? ''] ?? error.error_detail);
  provider.on('grant.error', remember);
  provider.on('userinfo.error', remember);
  provider.on('revocation.error', remember);
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
    if (!JSON_ERROR_PATHS.has(ctx.path) || ctx.status < 400 || typeof body?.error !== 'string') return;
    const description = `${String(body.error_description)} (${details.get(ctx)})`;
    ctx.body = { error: body.error, error_description: description, error_uri: errorUri(jsonErrorCode(description), randomUUID()) };
  });
}
