import { setTimeout as sleep } from 'node:timers/promises';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Fault, Persona } from './personas.js';

/** Changes a signed JWT's payload but keeps its signature, which no longer matches. */
export function tamperJwt(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  claims.given_name = 'Usurpateur';
  claims.iat = Number(claims.iat ?? 0) + 1;
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

function bearerToken(ctx: Pick<KoaContextWithOIDC, 'get' | 'query'>): string | undefined {
  const header = ctx.get('authorization');
  if (header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const fromQuery = ctx.query.access_token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** Reserved personas trigger faults at the token and userinfo endpoints, as FranceConnect's failure mock does. */
export function installFaults(provider: Provider, personas: ReadonlyMap<string, Persona>, slowTokenMs: number): void {
  const faultOfToken = async (token: string | undefined): Promise<Fault | undefined> => {
    if (token === undefined) return undefined;
    const accessToken = await provider.AccessToken.find(token);
    return accessToken?.accountId === undefined ? undefined : personas.get(accessToken.accountId)?.fault;
  };

  provider.use(async (ctx, next) => {
    if (ctx.path === '/userinfo') {
      const fault = await faultOfToken(bearerToken(ctx));
      if (fault === 'userinfo_error') {
        ctx.status = 500;
        ctx.body = { error: 'server_error', error_description: 'panne simulée du userinfo' };
        return;
      }
      await next();
      if (fault === 'tampered_userinfo' && ctx.status === 200 && typeof ctx.body === 'string') ctx.body = tamperJwt(ctx.body);
      return;
    }
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200) return;
    const body = ctx.body as { access_token?: string; id_token?: string };
    const fault = await faultOfToken(body.access_token);
    if (fault === 'slow_token') await sleep(slowTokenMs);
    if (fault === 'tampered_id_token' && body.id_token !== undefined) body.id_token = tamperJwt(body.id_token);
  });
}
