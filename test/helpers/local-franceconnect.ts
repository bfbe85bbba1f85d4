import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DataProviderRegistration } from '../../src/dev/franceconnect/checktoken.js';
import { IDENTITY_SCOPES, type LocalClient, parseClient } from '../../src/dev/franceconnect/clients.js';
import { createLocalFranceConnect } from '../../src/dev/franceconnect/local-franceconnect.js';
import { loadPersonas } from '../../src/dev/franceconnect/personas.js';
import { openPort } from '../../src/http/listen.js';
import { type Page, TestBrowser } from './browser.js';
import { formWithAction } from './html.js';

const RP = 'http://localhost:4999';
export const SECRET = 'secret-de-test-du-client-franceconnect-0123456789';

/** Clients of the conformance tests: one per signing algorithm, one with few scopes. */
export const CLIENTS = {
  es256: parseClient({
    client_id: 'rp-es256',
    client_secret: SECRET,
    redirect_uris: [`${RP}/callback`],
    post_logout_redirect_uris: [`${RP}/logout-callback`],
    signing_alg: 'ES256',
  }),
  rs256: parseClient({ client_id: 'rp-rs256', client_secret: SECRET, redirect_uris: [`${RP}/callback`], signing_alg: 'RS256' }),
  hs256: parseClient({ client_id: 'rp-hs256', client_secret: SECRET, redirect_uris: [`${RP}/callback`], signing_alg: 'HS256' }),
  limited: parseClient({ client_id: 'rp-limited', client_secret: SECRET, redirect_uris: [`${RP}/callback`], scope: 'openid given_name family_name' }),
  // A service provider entitled to data scopes of two data providers (the CAF's and the DGFiP's).
  data: parseClient({
    client_id: 'rp-donnees',
    client_secret: SECRET,
    redirect_uris: [`${RP}/callback`],
    scope: `${IDENTITY_SCOPES} cnaf_quotient_familial cnaf_enfants dgfip_rfr dgfip_annee_n_moins_1`,
  }),
} satisfies Record<string, LocalClient>;

export const hex = () => randomBytes(32).toString('hex');

export interface LocalFc {
  issuer: string;
  authorizeUrl(params?: Record<string, string | undefined>): URL;
  /** Authorize, sign in as `login`, and return the page that redirects to the RP (not followed). */
  signIn(
    params?: Record<string, string | undefined>,
    login?: string,
    browser?: TestBrowser,
  ): Promise<{ redirect: URL; page: Page; params: Record<string, string> }>;
  code(params?: Record<string, string | undefined>, login?: string): Promise<{ code: string; params: Record<string, string> }>;
  token(form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  tokens(
    params?: Record<string, string | undefined>,
    login?: string,
  ): Promise<{ access_token: string; id_token: string; params: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startLocalFc(slowTokenMs = 50, dataProviders: DataProviderRegistration[] = []): Promise<LocalFc> {
  const port = await openPort('127.0.0.1', 0, 'localhost');
  const issuer = `${port.origin}/api/v2`;
  const app = await createLocalFranceConnect({
    issuer,
    clients: Object.values(CLIENTS),
    personas: loadPersonas(fileURLToPath(new URL('../../src/dev/franceconnect/personas.json', import.meta.url))),
    dataProviders,
    subSecret: 'secret-de-sub-des-tests',
    slowTokenMs,
    warn: () => {},
  });
  port.attach(app);

  const baseParams = (): Record<string, string> => ({
    scope: 'openid given_name family_name',
    acr_values: 'eidas1',
    client_id: CLIENTS.es256.client_id,
    redirect_uri: `${RP}/callback`,
    response_type: 'code',
    state: hex(),
    nonce: hex(),
  });
  const merge = (params: Record<string, string | undefined>) => {
    const merged: Record<string, string> = baseParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
    return merged;
  };
  const authorizeUrl = (params: Record<string, string | undefined> = {}) => {
    const url = new URL(`${issuer}/authorize`);
    url.search = new URLSearchParams(merge(params)).toString();
    return url;
  };

  const fc: LocalFc = {
    issuer,
    authorizeUrl,
    async signIn(params = {}, login = 'test', browser = new TestBrowser()) {
      const merged = merge(params);
      const url = new URL(`${issuer}/authorize`);
      url.search = new URLSearchParams(merged).toString();
      const loginPage = await browser.visit(url, {}, (next) => next.origin === RP);
      if (loginPage.chain.at(-1)?.origin === RP) return { redirect: loginPage.chain.at(-1) as URL, page: loginPage, params: merged };
      const form = formWithAction(loginPage.body, /\/login$/);
      const page = await browser.visit(new URL(form.action, issuer), { form: { login, password: '123' } }, (next) => next.origin === RP);
      const redirect = page.chain.at(-1);
      if (redirect?.origin !== RP) throw new Error(`pas de retour vers le service : ${page.status} ${page.url}`);
      return { redirect, page, params: merged };
    },
    async code(params = {}, login = 'test') {
      const { redirect, params: merged } = await fc.signIn(params, login);
      const code = redirect.searchParams.get('code');
      if (code === null) throw new Error(`pas de code : ${redirect}`);
      return { code, params: merged };
    },
    token: (form, headers = {}) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form),
      }),
    async tokens(params = {}, login = 'test') {
      const { code, params: merged } = await fc.code(params, login);
      const client = Object.values(CLIENTS).find((c) => c.client_id === merged.client_id);
      const response = await fc.token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: merged.redirect_uri ?? '',
        client_id: merged.client_id ?? '',
        client_secret: client?.client_secret ?? '',
      });
      if (response.status !== 200) throw new Error(`token ${response.status} ${await response.text()}`);
      return { ...((await response.json()) as { access_token: string; id_token: string }), params: merged };
    },
    close: () => port.close(),
  };
  return fc;
}

export const tokenForm = (code: string, overrides: Record<string, string | undefined> = {}) => {
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: `${RP}/callback`,
    client_id: CLIENTS.es256.client_id,
    client_secret: SECRET,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete form[key];
    else form[key] = value;
  }
  return form;
};

export const RP_ORIGIN = RP;
