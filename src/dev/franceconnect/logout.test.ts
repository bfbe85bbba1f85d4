import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/helpers/browser.js';
import { formWithAction, textOf } from '../../../test/helpers/html.js';
import { hex, type LocalFc, RP_ORIGIN, startLocalFc } from '../../../test/helpers/local-franceconnect.js';

// Assertion numbers refer to ../shared/reference/fc-conformance.md §1.6.
let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
});
afterAll(() => fc.close());

const sessionEnd = (params: Record<string, string>) => `${fc.issuer}/session/end?${new URLSearchParams(params)}`;

async function signedIn() {
  const browser = new TestBrowser();
  const { code, params } = await (async () => {
    const { redirect, params: sent } = await fc.signIn({}, 'test', browser);
    return { code: redirect.searchParams.get('code') ?? '', params: sent };
  })();
  const response = await fc.token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: params.redirect_uri ?? '',
    client_id: params.client_id ?? '',
    client_secret: 'secret-de-test-du-client-franceconnect-0123456789',
  });
  const { id_token } = (await response.json()) as { id_token: string };
  return { browser, idToken: id_token };
}

describe('logout', () => {
  it('L1, L2 (61, 62): a 200 page with a form, then a 303 to the registered URI with only the state', async () => {
    const { browser, idToken } = await signedIn();
    const state = hex();
    const page = await browser.visit(sessionEnd({ id_token_hint: idToken, state, post_logout_redirect_uri: `${RP_ORIGIN}/logout-callback` }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const form = formWithAction(page.body, /\/session\/end\/confirm$/);
    const done = await browser.visit(
      new URL(form.action, fc.issuer),
      { form: { ...form.fields, logout: 'yes' } },
      (next) => next.origin === RP_ORIGIN,
    );
    const redirect = done.chain.at(-1) as URL;
    expect(done.status).toBe(303);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(`${RP_ORIGIN}/logout-callback`);
    expect([...redirect.searchParams.keys()]).toEqual(['state']);
    expect(redirect.searchParams.get('state')).toBe(state);
  });

  it('L3 (63): without post_logout_redirect_uri, logout ends on a success page', async () => {
    const { browser, idToken } = await signedIn();
    const page = await browser.visit(sessionEnd({ id_token_hint: idToken }));
    const form = formWithAction(page.body, /\/session\/end\/confirm$/);
    const done = await browser.visit(new URL(form.action, fc.issuer), { form: { ...form.fields, logout: 'yes' } });
    expect(done.status).toBe(200);
    expect(textOf(done.body)).toContain('Vous êtes bien déconnecté, vous pouvez fermer votre navigateur.');
  });

  it('L4, L5 (64, 65): a missing hint or an unknown parameter is a 400 page Y000400', async () => {
    const { idToken } = await signedIn();
    const cases: Array<Record<string, string>> = [{ state: 'x' }, { id_token_hint: '' }, { id_token_hint: idToken, foo: 'bar' }];
    for (const params of cases) {
      const response = await fetch(sessionEnd(params), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(textOf(await response.text())).toContain('Erreur Y000400');
    }
  });

  it('L6 (66): an unregistered post_logout_redirect_uri is an error page, never a redirect', async () => {
    const { idToken } = await signedIn();
    const response = await fetch(sessionEnd({ id_token_hint: idToken, post_logout_redirect_uri: 'https://ailleurs.example/out' }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(textOf(await response.text())).toContain('Erreur Y04CFAEF');
  });

  it('L7 (67): a hint with a broken signature is refused', async () => {
    const { idToken } = await signedIn();
    const [header, payload] = idToken.split('.');
    const response = await fetch(sessionEnd({ id_token_hint: `${header}.${payload}.AAAA` }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(textOf(await response.text())).toContain('Erreur Y045AFAE');
  });
});
