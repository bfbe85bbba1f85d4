import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPersonas, personaClaims } from '../dev/franceconnect/personas.js';
import { createSandbox } from '../dev/sandbox/sandbox.js';
import { type CitizenIdentity, toCitizenIdentity, userinfoSchema } from '../franceconnect/citizen-identity.js';
import { type OpenPort, openPort } from '../http/listen.js';
import { createLogger } from '../http/logger.js';
import { createApiParticulierClient, queryString } from './api-particulier.client.js';
import { identityParams } from './identity-params.js';
import { project } from './projection.js';
import { createSourceFetcher } from './source-fetcher.js';
import { SOURCES } from './sources.js';

const TOKEN = 'jeton-du-bac-a-sable-pour-les-tests';
const RECIPIENT = '21999999900010';
const personas = new Map(loadPersonas(fileURLToPath(new URL('../dev/franceconnect/personas.json', import.meta.url))).map((p) => [p.login, p]));
const identityOf = (login: string): CitizenIdentity => {
  const persona = personas.get(login);
  if (persona === undefined) throw new Error(login);
  return toCitizenIdentity(userinfoSchema.parse({ sub: `sub-${login}`, ...personaClaims(persona) }));
};

let sandbox: OpenPort;
let clock = 0;
const fetcherFor = (baseUrl: string, timeoutMs = 1000) =>
  createSourceFetcher(
    createApiParticulierClient({ baseUrl, token: TOKEN, timeoutMs, backoffMs: 10 }),
    { failureThreshold: 3, openMs: 30_000, now: () => clock },
    createLogger('silent'),
  );

beforeAll(async () => {
  sandbox = await openPort('127.0.0.1', 0);
  sandbox.attach(createSandbox({ token: TOKEN }));
});
afterAll(() => sandbox.close());

const fetchQf = (login: string, fetcher = fetcherFor(sandbox.origin)) =>
  fetcher.fetch(['quotient_familial'], identityOf(login), {}, RECIPIENT).then(([outcome]) => outcome);

describe('identity pivot as API Particulier parameters', () => {
  it('sends only what is known: no commune when born abroad, no day or month when unknown, usage name when it differs', () => {
    expect(identityParams(identityOf('test'))).toEqual({
      nomNaissance: 'DUBOIS',
      prenoms: ['Angela', 'Claire', 'Louise'],
      anneeDateNaissance: '1962',
      moisDateNaissance: '8',
      jourDateNaissance: '24',
      sexeEtatCivil: 'F',
      codeCogInseePaysNaissance: '99100',
      codeCogInseeCommuneNaissance: '75107',
    });
    expect(identityParams(identityOf('ne_a_l_etranger'))).not.toHaveProperty('codeCogInseeCommuneNaissance');
    expect(identityParams(identityOf('jour_inconnu'))).toMatchObject({ anneeDateNaissance: '1991', moisDateNaissance: '7' });
    expect(identityParams(identityOf('jour_inconnu'))).not.toHaveProperty('jourDateNaissance');
    expect(identityParams(identityOf('jour_et_mois_inconnus'))).not.toHaveProperty('moisDateNaissance');
    expect(identityParams(identityOf('nom_compose_nom_usage'))).toMatchObject({ nomNaissance: 'GARNIER-DUVAL', nomUsage: 'MOREAU' });
    expect(identityParams(identityOf('ne_en_corse'))).toMatchObject({ codeCogInseeCommuneNaissance: '2B033' });
    expect(queryString({ prenoms: ['Anaïs', 'Éloïse'], nomNaissance: "D'AUBIGNÉ" }, RECIPIENT)).toBe(
      'prenoms%5B%5D=Ana%C3%AFs&prenoms%5B%5D=%C3%89lo%C3%AFse&nomNaissance=D%27AUBIGN%C3%89&recipient=21999999900010',
    );
  });
});

describe('sources against the sandbox', () => {
  it('nominal: CAF and MSA, several children, partial birth dates, born abroad, Corsica, usage name', async () => {
    const angela = await fetchQf('test');
    expect(angela).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(angela?.data).toMatchObject({ quotient_familial: { fournisseur: 'CNAF', valeur: 620 } });
    expect((await fetchQf('ne_a_l_etranger'))?.data).toMatchObject({ quotient_familial: { fournisseur: 'MSA' } });
    expect((await fetchQf('ne_en_corse'))?.data?.enfants).toHaveLength(3);
    for (const login of ['jour_inconnu', 'jour_et_mois_inconnus', 'nom_compose_nom_usage']) expect((await fetchQf(login))?.status).toBe('ok');
  });

  it('404 is "not found", 422 is "identity not recognised", with API Particulier’s code', async () => {
    expect(await fetchQf('annulation')).toMatchObject({ status: 'not_found', httpStatus: 404, errorCode: '37003' });
    expect(await fetchQf('mineure')).toMatchObject({ status: 'invalid_input', httpStatus: 422, errorCode: '00355' });
  });

  it('429 keeps its Retry-After and is not retried when the wait is long', async () => {
    expect(await fetchQf('accents_apostrophe')).toMatchObject({ status: 'unavailable', httpStatus: 429, retryAfterSeconds: 30 });
  });

  it('502 and 504 are retried once, then reported unavailable', async () => {
    expect(await fetchQf('prenom_unique')).toMatchObject({ status: 'unavailable', httpStatus: 502, errorCode: '37999' });
    expect(await fetchQf('ne_en_corse_du_sud')).toMatchObject({ status: 'unavailable', httpStatus: 504, errorCode: '37002' });
  });

  it('a source slower than the timeout is unavailable, and the others still answer', async () => {
    const started = Date.now();
    const outcomes = await fetcherFor(sandbox.origin, 500).fetch(
      ['quotient_familial', 'complementaire_sante_solidaire'],
      identityOf('prenoms_multiples'),
      {},
      RECIPIENT,
    );
    expect(outcomes.map((o) => [o.api, o.status])).toEqual([
      ['quotient_familial', 'unavailable'],
      ['complementaire_sante_solidaire', 'not_found'],
    ]);
    expect(Date.now() - started).toBeLessThan(7000);
  });

  it('other APIs: C2S with and without participation, student by identity and by INE, pupil, France Travail', async () => {
    const fetcher = fetcherFor(sandbox.origin);
    const [c2s] = await fetcher.fetch(['complementaire_sante_solidaire'], identityOf('ne_en_corse_du_sud'), {}, RECIPIENT);
    expect(c2s?.data).toEqual({ est_beneficiaire: false, avec_participation: null, date_debut_droit: null });
    const [mesri, cnous] = await fetcher.fetch(['statut_etudiant', 'etudiant_boursier'], identityOf('prenom_unique'), {}, RECIPIENT);
    expect(mesri?.status).toBe('ok');
    expect(cnous?.data).toMatchObject({ est_boursier: true });
    const [byIne] = await fetcher.fetch(['etudiant_boursier'], identityOf('prenom_unique'), { ine: '1234567890A' }, RECIPIENT);
    expect(byIne?.status).toBe('ok');
    const [pupil] = await fetcher.fetch(
      ['scolarites'],
      identityOf('test'),
      { eleve: { nomNaissance: 'NGUYEN', prenoms: ['Zoé', 'Inès'], sexe: 'F', dateNaissance: '2012-10-05', anneeScolaire: '2025-2026' } },
      RECIPIENT,
    );
    expect(pupil?.data).toMatchObject({ est_scolarise: true, echelon_bourse: 2 });
    const [missing] = await fetcher.fetch(['scolarites'], identityOf('test'), {}, RECIPIENT);
    expect(missing?.status).toBe('missing_input');
    const [statut, paiements] = await fetcher.fetch(
      ['france_travail_statut', 'france_travail_indemnites'],
      identityOf('test'),
      { identifiantFranceTravail: 'angela.dubois' },
      RECIPIENT,
    );
    expect(statut?.data).toMatchObject({ inscription: { categorie: { code: 1 } } });
    expect(paiements?.data?.paiements).toHaveLength(3);
  });

  it('the 2026 APIs: AEEH, service national and service civique by identity, sportif by the number the citizen types', async () => {
    const fetcher = fetcherFor(sandbox.origin);
    const [aeeh, nationalService, civicService] = await fetcher.fetch(
      ['allocation_enfant_handicape', 'service_national', 'service_civique'],
      identityOf('test'),
      {},
      RECIPIENT,
    );
    expect(aeeh?.data).toEqual({ status: 'allocataire', date_debut_droit: '2021-09-01' });
    expect(nationalService?.data).toMatchObject({ statut_service_national: 'non_concerne' });
    // The GIP-MDS does not know Angela: its own code, not the CNAV's.
    expect(civicService).toMatchObject({ status: 'not_found', httpStatus: 404, errorCode: '31003' });
    const [leonNational, leonCivic] = await fetcher.fetch(['service_national', 'service_civique'], identityOf('prenom_unique'), {}, RECIPIENT);
    expect(leonNational?.data).toEqual({ statut_service_national: 'en_regle', commentaires: null });
    expect(leonCivic?.data).toMatchObject({ statut_actuel: { contrat_trouve: true }, statut_passe: { contrat_trouve: false } });
    const [sportif] = await fetcher.fetch(['statut_sportif'], identityOf('prenom_unique'), { identifiantSportif: '200114527' }, RECIPIENT);
    expect(sportif?.data).toMatchObject({ est_sportif_de_haut_niveau: true, informations_statut: { categorie: { nom_categorie: 'Relève' } } });
    const [unknown] = await fetcher.fetch(['statut_sportif'], identityOf('prenom_unique'), { identifiantSportif: '999999999' }, RECIPIENT);
    expect(unknown).toMatchObject({ status: 'not_found', errorCode: '41003' });
    const [missing] = await fetcher.fetch(['statut_sportif'], identityOf('prenom_unique'), {}, RECIPIENT);
    expect(missing?.status).toBe('missing_input');
  });

  it('sends each 2026 route only the identity parameters it takes', () => {
    const identity = identityOf('nom_compose_nom_usage');
    const national = SOURCES.get('service_national')?.request?.(identity, {});
    expect(national).toMatchObject({
      route: '/v3/dsnj/service_national/identite',
      params: { sexeEtatCivil: 'F', codeCogInseeCommuneNaissance: '13055' },
    });
    expect(national && 'params' in national ? national.params : {}).not.toHaveProperty('nomUsage');
    expect(SOURCES.get('service_civique')?.request?.(identity, {})).toEqual({
      route: '/v3/gip_mds/service_civique/identite',
      params: { nomNaissance: 'GARNIER-DUVAL', prenoms: ['Hélène'], anneeDateNaissance: '1973', moisDateNaissance: '9', jourDateNaissance: '8' },
    });
    expect(SOURCES.get('allocation_enfant_handicape')?.request?.(identity, {})).toMatchObject({ params: { nomUsage: 'MOREAU' } });
    // Reachable only with the citizen's FranceConnect token: nothing to ask by identity, a plate to send with the token.
    expect(SOURCES.get('extrait_immatriculation_vehicule')?.request).toBeUndefined();
    expect(SOURCES.get('extrait_immatriculation_vehicule')?.franceConnectParams?.({ immatriculation: 'GH-417-KZ' })).toEqual({
      params: { immatriculation: 'GH-417-KZ' },
    });
    expect(SOURCES.get('extrait_immatriculation_vehicule')?.franceConnectParams?.({})).toEqual({ missingInput: 'immatriculation' });
  });

  it('asks France Travail’s statut once when it is both an item and the holder check of the paiements', async () => {
    const routes: string[] = [];
    const client = createApiParticulierClient({ baseUrl: sandbox.origin, token: TOKEN, timeoutMs: 1000, backoffMs: 10 });
    const counting = {
      get: (request: Parameters<typeof client.get>[0]) => {
        routes.push(request.route);
        return client.get(request);
      },
    };
    const fetcher = createSourceFetcher(counting, { failureThreshold: 3, openMs: 30_000 }, createLogger('silent'));
    const outcomes = await fetcher.fetch(
      ['france_travail_statut', 'france_travail_indemnites'],
      identityOf('test'),
      { identifiantFranceTravail: 'angela.dubois' },
      RECIPIENT,
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['ok', 'ok']);
    expect(routes.sort()).toEqual(['/v3/france_travail/indemnites/identifiant', '/v3/france_travail/statut/identifiant']);
  });

  it('never hands over a file found by an identifier the citizen typed when it is someone else’s', async () => {
    const fetcher = fetcherFor(sandbox.origin);
    // Angela types Léon's INE and his athlete number, then Léon types Angela's France Travail login: each file names its holder.
    const [cnous, mesri, sportif] = await fetcher.fetch(
      ['etudiant_boursier', 'statut_etudiant', 'statut_sportif'],
      identityOf('test'),
      { ine: '1234567890A', identifiantSportif: '200114527' },
      RECIPIENT,
    );
    const [statut, paiements] = await fetcher.fetch(
      ['france_travail_statut', 'france_travail_indemnites'],
      identityOf('prenom_unique'),
      { identifiantFranceTravail: 'angela.dubois' },
      RECIPIENT,
    );
    for (const outcome of [cnous, mesri, sportif, statut, paiements]) {
      expect(outcome).toMatchObject({ status: 'not_holder' });
      expect(outcome?.data).toBeUndefined();
    }
    // The paiements answer does not name its holder: the statut answer is read first, and the paiements never asked.
    expect(paiements?.httpStatus).toBeUndefined();
    const [mesriOwn] = await fetcher.fetch(['statut_etudiant'], identityOf('prenom_unique'), { ine: '1234567890A' }, RECIPIENT);
    expect(mesriOwn?.status).toBe('ok');
  });

  it('our own bad token or recipient is an error, not "not found"', async () => {
    const wrongToken = createSourceFetcher(
      createApiParticulierClient({ baseUrl: sandbox.origin, token: 'mauvais-jeton-0000000', timeoutMs: 1000 }),
      { failureThreshold: 3, openMs: 1000 },
      createLogger('silent'),
    );
    expect((await wrongToken.fetch(['quotient_familial'], identityOf('test'), {}, RECIPIENT))[0]).toMatchObject({
      status: 'error',
      httpStatus: 401,
      errorCode: '00101',
    });
    expect((await fetcherFor(sandbox.origin).fetch(['quotient_familial'], identityOf('test'), {}, '12345678901234'))[0]).toMatchObject({
      status: 'invalid_input',
      errorCode: '00210',
    });
  });

  it('the circuit opens after repeated failures, answers at once while open, and closes after a good probe', async () => {
    const fetcher = fetcherFor(sandbox.origin);
    await fetch(`${sandbox.origin}/_sandbox/pannes/quotient_familial`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"status":503}',
    });
    for (let i = 0; i < 3; i += 1) expect((await fetchQf('test', fetcher))?.httpStatus).toBe(503);
    expect(fetcher.breakerState('quotient_familial')).toBe('open');
    await fetch(`${sandbox.origin}/_sandbox/pannes/quotient_familial`, { method: 'DELETE' });
    const whileOpen = await fetchQf('test', fetcher);
    expect(whileOpen).toMatchObject({ status: 'unavailable' });
    expect(whileOpen?.httpStatus).toBeUndefined();
    clock += 30_000;
    expect(fetcher.breakerState('quotient_familial')).toBe('half-open');
    expect((await fetchQf('test', fetcher))?.status).toBe('ok');
    expect(fetcher.breakerState('quotient_familial')).toBe('closed');
  });
});

describe('another server at API_PARTICULIER_URL', () => {
  it('receives the route, the parameters, recipient, the Bearer token and an X-Request-ID', async () => {
    const seen: Array<{ path: string; query: unknown; headers: Record<string, unknown> }> = [];
    const other = await openPort('127.0.0.1', 0);
    const app = express();
    app.get('/api-particulier/v3/dss/quotient_familial/identite', (req, res) => {
      seen.push({ path: req.path, query: req.query, headers: req.headers });
      res.json({ data: { quotient_familial: { fournisseur: 'CNAF', valeur: 1 } }, links: {}, meta: {} });
    });
    other.attach(app);
    const [outcome] = await fetcherFor(`${other.origin}/api-particulier`).fetch(['quotient_familial'], identityOf('ne_en_corse'), {}, RECIPIENT);
    await other.close();
    expect(outcome?.status).toBe('ok');
    expect(seen[0]?.query).toMatchObject({
      nomNaissance: 'SANTUCCI',
      'prenoms[]': 'Marie-Ange',
      recipient: RECIPIENT,
      codeCogInseeCommuneNaissance: '2B033',
    });
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.headers['x-request-id']).toBe(outcome?.requestId);
  });
});

describe('projection', () => {
  it('keeps only granted fields, inside array elements too', () => {
    const data = { quotient_familial: { valeur: 620 }, enfants: [{ prenoms: 'Lucie' }], adresse: { ville: 'Paris' } };
    expect(project(data, ['quotient_familial'])).toEqual({ quotient_familial: { valeur: 620 } });
    const admissions = {
      admissions: [{ date_debut: 'a', date_fin: 'b', est_inscrit: true, etablissement_etudes: { nom: 'x' } }],
      identite: { nom: 'ROY' },
    };
    expect(project(admissions, ['admissions.date_debut', 'admissions.date_fin'])).toEqual({ admissions: [{ date_debut: 'a', date_fin: 'b' }] });
    expect(project(admissions, ['admissions.date_debut', 'admissions.est_inscrit'])).toEqual({
      admissions: [{ date_debut: 'a', est_inscrit: true }],
    });
    expect(project(admissions, ['inconnu'])).toEqual({});
  });
});
