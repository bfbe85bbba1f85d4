import { describe, expect, it } from 'vitest';
import { ConfigError, isLocalUrl, loadConfig } from './config.js';
import { DEV_MAIL_FROM, DEV_SECRETS } from './env.schema.js';

const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://passerelle.exemple.gouv.fr',
  // Random values, drawn once for these tests.
  SESSION_SECRET: 'mJ4vQ9xT2kLp7WcR1sZbN8yHd3FgA6uE0oVtKiXqYwPn5CjM',
  FC_ISSUER: 'https://fcp-low.sbx.dev-franceconnect.fr/api/v2',
  FC_CLIENT_ID: 'client',
  FC_CLIENT_SECRET: '9f3c1a7e5b2d8046c1e9a3f7b5d20c8e4a6f1b3d9e7c5a2f0b8d6e4c2a1f3b5d',
  OIDC_PAIRWISE_SECRET: 'Tz8Kq2Rw5Yn1Lb7Xc4Mv9Gd3Hs6Jf0PaEu2Qi5Ok8Wr1Zt4N',
  OIDC_JWKS: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k' }] }),
  API_PARTICULIER_URL: 'https://particulier.api.gouv.fr',
  API_PARTICULIER_TOKEN: 'jeton-de-production-0123456789',
  DATA_ENCRYPTION_KEY: 'FgX3NihYdGwfG3zIM8p83dIZw5fLWAagzTkXbgJzQyY',
  PC_ISSUER: 'https://proconnect.gouv.fr/api/v2',
  PC_CLIENT_SECRET: 'c2e8a4f6b0d1397e5a3c7f9b1d5e2a8c4f0b6d3e9a1c7f5b',
  JOURNAL_KEY: 'p0Rk2vXc9LmT4qWz7NbY1sHd8GfJ3uEa6iKoQ5tVyBw',
  JOURNAL_ANCHOR_FILE: '/var/lib/passerelle-ancres/noeud-1.jsonl',
};

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('configuration', () => {
  it('runs in development with visibly fake defaults and the local upstreams', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http.publicUrl).toBe('http://localhost:3000');
    expect(config.franceconnect).toMatchObject({
      issuer: 'http://localhost:3001/api/v2',
      signingAlg: 'ES256',
      redirectUri: 'http://localhost:3000/connexion/franceconnect/callback',
      postLogoutRedirectUri: 'http://localhost:3000/deconnexion/callback',
      clientSecret: DEV_SECRETS.FC_CLIENT_SECRET,
    });
    expect(config.localUpstreams.enabled).toBe(true);
    expect(config.localUpstreams.franceconnect.port).toBe(3001);
    expect(config.session).toMatchObject({ cookieName: 'passerelle.sid', secureCookie: false, idleMinutes: 30 });
    expect(config.database.url).toBe('file:./data/passerelle.sqlite');
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(() => {
      (config.franceconnect as { issuer: string }).issuer = 'x';
    }).toThrow(TypeError);
  });

  it('names each malformed variable', () => {
    const named = problemsOf({ PORT: 'abc', FC_SIGNING_ALG: 'none', FC_ISSUER: 'pas une url' }).map((problem) => problem.split(' ')[0]);
    expect(named.sort()).toEqual(['FC_ISSUER', 'FC_SIGNING_ALG', 'PORT']);
    expect(problemsOf({ SESSION_SECRET: 'court' })[0]).toMatch(/^SESSION_SECRET/);
  });

  it('serves the services in « bac à sable » with the test platform: production’s local upstreams in development, only the one named in production', () => {
    const development = loadConfig({});
    expect(development.testPlatform?.franceconnect).toBe(development.franceconnect);
    expect(development.testPlatform?.sources).toBe(development.sources);
    expect(loadConfig(production).testPlatform).toBeUndefined();
    const test = {
      TEST_FC_ISSUER: 'https://fcp-low.integ01.dev-franceconnect.fr/api/v2',
      TEST_FC_CLIENT_ID: 'passerelle-integration',
      TEST_FC_CLIENT_SECRET: 'secret-integration-0123456789-abcdef',
      TEST_API_PARTICULIER_URL: 'https://staging.particulier.api.gouv.fr',
      TEST_API_PARTICULIER_TOKEN: 'jeton-de-test-0123456789',
    };
    const withTest = loadConfig({ ...production, ...test });
    expect(withTest.testPlatform?.franceconnect).toMatchObject({
      issuer: test.TEST_FC_ISSUER,
      clientId: 'passerelle-integration',
      redirectUri: withTest.franceconnect.redirectUri,
    });
    expect(withTest.testPlatform?.sources).toMatchObject({ apiParticulierUrl: test.TEST_API_PARTICULIER_URL, impotParticulier: undefined });
    expect(
      problemsOf({ ...production, ...test, TEST_FC_ISSUER: 'http://localhost:3001/api/v2', TEST_FC_CLIENT_SECRET: undefined } as unknown as Record<
        string,
        string
      >),
    ).toEqual([
      'TEST_FC_ISSUER : adresse locale ou non https refusée en production',
      'TEST_FC_CLIENT_SECRET : obligatoire en production avec TEST_FC_ISSUER',
    ]);
    expect(problemsOf({ TEST_FC_ISSUER: test.TEST_FC_ISSUER })).toEqual([
      'TEST_FC_ISSUER et TEST_API_PARTICULIER_URL : l’une ne va pas sans l’autre',
    ]);
  });

  it('starts in production with real secrets, https and no local upstream, on a __Host- cookie', () => {
    const config = loadConfig(production);
    expect(config.localUpstreams.enabled).toBe(false);
    expect(config.session).toMatchObject({ cookieName: '__Host-passerelle', secureCookie: true });
  });

  it('refuses visibly weak secrets in production, and one value for two secrets, naming the variables', () => {
    expect(problemsOf({ ...production, SESSION_SECRET: 'a'.repeat(48) })).toEqual([
      'SESSION_SECRET : trop prévisible en production (environ 0 bits, 128 au moins) ; tirez-le au hasard, par exemple openssl rand -base64 48',
    ]);
    expect(problemsOf({ ...production, OIDC_PAIRWISE_SECRET: 'motdepasse'.repeat(5) })[0]).toMatch(/^OIDC_PAIRWISE_SECRET : trop prévisible/);
    // An all-zero key decodes to 32 identical bytes.
    expect(problemsOf({ ...production, DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64url') })[0]).toMatch(
      /^DATA_ENCRYPTION_KEY : trop prévisible .* openssl rand 32 \| basenc --base64url$/,
    );
    expect(problemsOf({ ...production, PC_CLIENT_SECRET: 'ab'.repeat(20) })[0]).toMatch(/^PC_CLIENT_SECRET : trop prévisible/);
    const same = production.SESSION_SECRET;
    expect(problemsOf({ ...production, OIDC_PAIRWISE_SECRET: same, FC_CLIENT_SECRET: same })).toEqual([
      'SESSION_SECRET et FC_CLIENT_SECRET : même valeur ; chaque secret doit être différent',
      'FC_CLIENT_SECRET et OIDC_PAIRWISE_SECRET : même valeur ; chaque secret doit être différent',
    ]);
  });

  it('recognises a local address however it is written', () => {
    for (const url of [
      'https://localhost/api',
      'https://LOCALHOST./api',
      'https://mock.localhost',
      'https://127.0.0.1',
      'https://127.1',
      'https://0x7f.1',
      'https://2130706433',
      'https://[::1]',
      'https://[0:0:0:0:0:0:0:1]',
      'https://[::ffff:127.0.0.1]',
      'https://[::ffff:7f00:1]',
      'https://0.0.0.0',
      'https://[::]',
      'https://169.254.169.254',
      'https://[fe80::1]',
    ]) {
      expect(isLocalUrl(url), url).toBe(true);
    }
    for (const url of [
      'https://particulier.api.gouv.fr',
      'https://fcp-low.sbx.dev-franceconnect.fr',
      'https://[2001:db8::1]',
      'https://93.184.216.34',
      'https://localhost.example.fr',
    ]) {
      expect(isLocalUrl(url), url).toBe(false);
    }
    expect(problemsOf({ ...production, API_PARTICULIER_URL: 'https://[::ffff:127.0.0.1]' })[0]).toMatch(/^API_PARTICULIER_URL/);
  });

  it('refuses production without secrets, with development secrets, or with local upstreams, naming the variable', () => {
    const {
      SESSION_SECRET: _s,
      FC_CLIENT_SECRET: _c,
      OIDC_PAIRWISE_SECRET: _p,
      OIDC_JWKS: _j,
      API_PARTICULIER_TOKEN: _t,
      DATA_ENCRYPTION_KEY: _k,
      PC_CLIENT_SECRET: _pc,
      JOURNAL_KEY: _jk,
      JOURNAL_ANCHOR_FILE: _ja,
      ...withoutSecrets
    } = production;
    expect(problemsOf(withoutSecrets)).toEqual([
      'SESSION_SECRET : obligatoire en production',
      'FC_CLIENT_SECRET : obligatoire en production',
      'OIDC_PAIRWISE_SECRET : obligatoire en production',
      'API_PARTICULIER_TOKEN : obligatoire en production',
      'DATA_ENCRYPTION_KEY : obligatoire en production',
      'PC_CLIENT_SECRET : obligatoire en production',
      'JOURNAL_KEY : obligatoire en production',
      'JOURNAL_ANCHOR_FILE : obligatoire en production, sur un stockage que les utilisateurs de la base ne peuvent pas réécrire',
      'OIDC_JWKS : obligatoire en production (clés partagées par tous les nœuds)',
    ]);
    expect(problemsOf({ ...production, API_PARTICULIER_URL: 'http://localhost:3003' })[0]).toMatch(/^API_PARTICULIER_URL/);
    expect(problemsOf({ ...production, OIDC_JWKS: '{"keys":[{"kty":"EC","x":"public only"}]}' })[0]).toMatch(/^OIDC_JWKS/);
    expect(problemsOf({ ...production, SESSION_SECRET: DEV_SECRETS.SESSION_SECRET, FC_CLIENT_SECRET: DEV_SECRETS.FC_CLIENT_SECRET })).toEqual([
      'SESSION_SECRET : valeur de développement refusée en production',
      'FC_CLIENT_SECRET : valeur de développement refusée en production',
    ]);
    expect(problemsOf({ ...production, FC_ISSUER: 'http://localhost:3001/api/v2' })[0]).toMatch(/^FC_ISSUER/);
    expect(problemsOf({ ...production, FC_ISSUER: 'http://127.0.0.1:3001/api/v2' })[0]).toMatch(/^FC_ISSUER/);
    expect(problemsOf({ ...production, LOCAL_UPSTREAMS: 'true' })[0]).toMatch(/^LOCAL_UPSTREAMS/);
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://passerelle.exemple.gouv.fr' })[0]).toMatch(/^PUBLIC_URL/);
    expect(problemsOf({ ...production, FC_REDIRECT_URI: 'http://localhost:3000/cb' })[0]).toMatch(/^FC_REDIRECT_URI/);
    expect(problemsOf({ ...production, FC_SIGNING_ALG: 'HS256' })[0]).toMatch(/^FC_SIGNING_ALG/);
  });

  it('sends mail in development to the local catcher, and in production only to a remote server, from a real address, over TLS', () => {
    const development = loadConfig({});
    expect(development.mail).toEqual({ smtpUrl: undefined, from: DEV_MAIL_FROM, requireTls: false });
    expect(development.localUpstreams.mailCatcher).toEqual({ smtpPort: 1025, webPort: 3005 });

    const mail = { SMTP_URL: 'smtp://relais.exemple.gouv.fr:587', MAIL_FROM: 'Passerelle Particulier <ne-pas-repondre@passerelle.exemple.gouv.fr>' };
    expect(loadConfig({ ...production, ...mail }).mail).toEqual({ smtpUrl: mail.SMTP_URL, from: mail.MAIL_FROM, requireTls: true });
    expect(loadConfig(production).mail.smtpUrl).toBeUndefined();
    for (const local of ['smtp://127.0.0.1:1025', 'smtp://localhost:1025', 'smtps://0x7f.1:465', 'smtp://[::1]:25', 'smtp://courriels.localhost']) {
      expect(problemsOf({ ...production, ...mail, SMTP_URL: local }), local).toEqual([
        'SMTP_URL : collecteur de courriels local ou adresse locale refusés en production',
      ]);
    }
    expect(problemsOf({ ...production, SMTP_URL: mail.SMTP_URL })).toEqual(['MAIL_FROM : adresse de développement ou locale refusée en production']);
    expect(problemsOf({ ...production, ...mail, MAIL_FROM: 'contact@127.0.0.1' })[0]).toMatch(/^MAIL_FROM/);

    const malformed = problemsOf({ SMTP_URL: 'https://relais.exemple.gouv.fr', MAIL_FROM: 'Passerelle\r\nBcc: x@exemple.fr <a@exemple.fr>' });
    expect(malformed.map((problem) => problem.split(' ')[0]).sort()).toEqual(['MAIL_FROM', 'SMTP_URL']);
  });
});
