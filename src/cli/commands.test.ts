import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatabaseOwner, temporaryDatabase } from '../../test/helpers/database.js';
import type { Database } from '../db/schema.js';
import { createAnchoring, verifyAgainstAnchors } from '../journal/anchors.js';
import { createJournal } from '../journal/journal.js';
import { purgeExpiredJustificatifs } from '../justificatif/retention.js';
import { latestSpEvents } from '../notifications/event-outbox.js';
import { createInstructors } from '../onboarding/instructors.js';
import { verifyClientSecret } from '../registry/client-secret.js';
import { addMonths } from '../registry/habilitation.js';
import { createRegistry } from '../registry/registry.service.js';
import { runCli } from './commands.js';

let directory: string;
let databaseUrl: string;
let db: Kysely<Database>;
let remove: () => Promise<void>;

beforeAll(async () => {
  ({ db, directory, url: databaseUrl, remove } = await temporaryDatabase());
});
afterAll(() => remove());

const journalKey = randomBytes(32);

/** A service of the Mairie d'Exempleville (created by the first tests), registered with these options. */
const mairieService = (...options: string[]) => cli('sp', 'create', '--siret', '21999999900010', '--name', 'Mairie', ...options);

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const anchorFile = join(directory, 'ancres.jsonl');
  const code = await runCli(argv, {
    registry: createRegistry(db, { allowLocalHttp: true }),
    journal: createJournal(db, journalKey),
    verify: (files) => verifyAgainstAnchors(db, journalKey, files),
    anchoring: createAnchoring({ db, key: journalKey, file: anchorFile }),
    anchorFile,
    purgeRetention: () => purgeExpiredJustificatifs(db, createJournal(db, journalKey)),
    out: (line) => lines.push(line),
    latestEvents: (clientId) => latestSpEvents(db, clientId),
    instructors: createInstructors(db, ['helene.leroy@passerelle.example.gouv.fr']),
    seedVariables: { DEMO_SP_URL: 'http://localhost:3004' },
  });
  return { code, output: lines.join('\n') };
}

const inMonths = (months: number) => new Date(addMonths(Date.now(), months)).toISOString().slice(0, 10);

describe('operator CLI', () => {
  it('creates and lists organisations, refusing a wrong SIRET or a duplicate', async () => {
    expect(await cli('organisation', 'create', '--siret', '21999999900010', '--name', "Mairie d'Exempleville")).toEqual({
      code: 0,
      output: "Organisation créée : Mairie d'Exempleville (SIRET 21999999900010)",
    });
    const wrong = await cli('organisation', 'create', '--siret', '21999999900011', '--name', 'Autre');
    expect(wrong.code).toBe(2);
    expect(wrong.output).toContain('SIRET : invalide');
    expect((await cli('organisation', 'create', '--siret', '219 999 999 00010', '--name', 'Doublon')).output).toContain('existe déjà');
    expect((await cli('organisation', 'list')).output).toBe("21999999900010  Mairie d'Exempleville");
  });

  it('creates a service provider, prints its secret once and stores only its hash', async () => {
    const created = await mairieService(
      '--procedure',
      'Cantine',
      '--redirect-uri',
      'https://mairie.example/callback',
      '--redirect-uri',
      'http://localhost:8080/callback',
      '--client-id',
      'cantine',
    );
    expect(created.code).toBe(0);
    const secret = /Secret \(affiché une seule fois, conservez-le maintenant\) : (\S+)/.exec(created.output)?.[1] ?? '';
    expect(secret).toMatch(/^[\w-]{43}$/);
    const row = await db.selectFrom('service_provider').selectAll().where('client_id', '=', 'cantine').executeTakeFirstOrThrow();
    expect(row.secret_hash).not.toContain(secret);
    expect(verifyClientSecret(secret, row.secret_hash ?? '')).toBe(true);
    expect((await cli('sp', 'list')).output).toContain("cantine  Mairie d'Exempleville (21999999900010)  « Cantine »  client_secret_basic");

    const rotated = await cli('sp', 'rotate-secret', '--client-id', 'cantine');
    expect(rotated.output).toContain('L’ancien secret ne fonctionne plus.');
    const newSecret = /: (\S+)$/.exec(rotated.output)?.[1] ?? '';
    const credentials = () =>
      db
        .selectFrom('service_provider')
        .select(['secret_hash', 'previous_secret_hash', 'previous_secret_until', 'auth_method', 'jwks_uri'])
        .where('client_id', '=', 'cantine')
        .executeTakeFirstOrThrow();
    const after = await credentials();
    expect(verifyClientSecret(newSecret, after.secret_hash ?? '')).toBe(true);
    expect(verifyClientSecret(secret, after.secret_hash ?? '')).toBe(false);
    expect(after.previous_secret_hash).toBeNull();

    // Renewed with an overlap: the secret it replaces stays valid for the days given, then `end-overlap` stops it.
    expect((await cli('sp', 'rotate-secret', '--client-id', 'cantine', '--overlap-days', '31')).output).toContain('30 jours au plus');
    const overlapping = await cli('sp', 'rotate-secret', '--client-id', 'cantine', '--overlap-days', '7');
    expect(overlapping.output).toMatch(/L’ancien secret fonctionne encore jusqu’au \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const during = await credentials();
    expect(verifyClientSecret(newSecret, during.previous_secret_hash ?? '')).toBe(true);
    expect(Number(during.previous_secret_until) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect((await cli('sp', 'list')).output).toContain('ancien secret valable jusqu’au');
    expect((await cli('sp', 'end-overlap', '--client-id', 'cantine')).output).toContain('seul le nouveau est accepté');
    expect((await credentials()).previous_secret_hash).toBeNull();
    expect((await cli('sp', 'end-overlap', '--client-id', 'cantine')).output).toContain('pas d’ancien secret encore valable');
  });

  it('moves a service to keys it publishes at an address (private_key_jwt), which ends its secret', async () => {
    await mairieService('--procedure', 'Cartes', '--redirect-uri', 'https://cartes.example/cb', '--client-id', 'cartes');
    expect((await cli('sp', 'jwks-uri', '--client-id', 'cartes', '--url', 'http://cartes.example/jwks')).output).toContain('adresse https exacte');
    expect((await cli('sp', 'jwks-uri', '--client-id', 'cartes', '--url', 'https://cartes.example/.well-known/jwks.json')).output).toContain(
      'clés publiques lues à https://cartes.example/.well-known/jwks.json',
    );
    const row = await db.selectFrom('service_provider').selectAll().where('client_id', '=', 'cartes').executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      auth_method: 'private_key_jwt',
      jwks_uri: 'https://cartes.example/.well-known/jwks.json',
      secret_hash: null,
      jwks: null,
    });
    expect((await cli('sp', 'rotate-secret', '--client-id', 'cartes')).output).toContain('pas de secret à renouveler');
    const created = await mairieService(
      '--procedure',
      'Crèche',
      '--redirect-uri',
      'https://creche.example/cb',
      '--jwks-uri',
      'https://creche.example/jwks.json',
    );
    expect(created.output).toContain('aucun secret');
  });

  it('registers where a service takes its events, refuses a clear http address, and lists what became of them', async () => {
    expect((await cli('sp', 'webhook', '--client-id', 'cantine', '--url', 'http://mairie.example/evenements')).output).toContain(
      'adresse https exacte',
    );
    expect((await cli('sp', 'webhook', '--client-id', 'cantine')).code).toBe(2);
    const set = await cli('sp', 'webhook', '--client-id', 'cantine', '--url', 'https://mairie.example/evenements');
    expect(set).toEqual({
      code: 0,
      output: 'cantine recevra ses événements (justificatif.retire, habilitation.expire_bientot) à https://mairie.example/evenements',
    });
    expect((await cli('sp', 'list')).output).toContain('événements → https://mairie.example/evenements');
    expect((await cli('sp', 'events', '--client-id', 'cantine')).output).toBe('Aucun événement.');
    await db
      .insertInto('sp_event')
      .values({
        id: 'evt-1',
        client_id: 'cantine',
        type: 'justificatif.retire',
        data: '{}',
        occurred_at: Date.UTC(2026, 11, 6, 9, 41),
        attempts: 3,
        next_attempt_at: Date.UTC(2026, 11, 6, 9, 45),
        delivered_at: null,
        abandoned_at: null,
        last_outcome: 'HTTP 503',
      })
      .execute();
    expect((await cli('sp', 'events', '--client-id', 'cantine')).output).toBe(
      '2026-12-06 09:41 UTC  justificatif.retire  en attente (3 essais, HTTP 503 ; prochain essai 2026-12-06 09:45 UTC)  evt-1',
    );
    expect((await cli('sp', 'webhook', '--client-id', 'cantine', '--remove')).output).toBe(
      'cantine ne recevra plus d’événements ; ceux en attente sont abandonnés.',
    );
    expect((await cli('sp', 'list')).output).not.toContain('événements →');
  });

  it('adds and removes instructors, listing those of the configuration apart', async () => {
    expect((await cli('instructeur', 'add', '--email', 'pas-une-adresse')).code).toBe(2);
    expect(await cli('instructeur', 'add', '--email', 'Paul.Roux@passerelle.example.gouv.fr')).toEqual({
      code: 0,
      output: 'paul.roux@passerelle.example.gouv.fr instruit désormais les demandes d’habilitation (/instruction).',
    });
    expect((await cli('instructeur', 'list')).output).toBe(
      'helene.leroy@passerelle.example.gouv.fr  (configuration)\npaul.roux@passerelle.example.gouv.fr  (ligne de commande)',
    );
    expect((await cli('instructeur', 'remove', '--email', 'helene.leroy@passerelle.example.gouv.fr')).output).toContain('INSTRUCTOR_EMAILS');
    expect((await cli('instructeur', 'remove', '--email', 'paul.roux@passerelle.example.gouv.fr')).output).toBe(
      'paul.roux@passerelle.example.gouv.fr n’instruit plus les demandes.',
    );
  });

  it('refuses service providers with bad redirect URIs, an unknown organisation or a private JWKS', async () => {
    const base = ['sp', 'create', '--siret', '21999999900010', '--name', 'Mairie', '--procedure', 'Cantine'];
    expect((await cli(...base, '--redirect-uri', 'http://mairie.example/callback')).output).toContain(
      'URI de redirection n° 1 : adresse https exacte',
    );
    expect((await cli(...base, '--redirect-uri', 'https://mairie.example/callback#x')).code).toBe(2);
    expect((await cli(...base)).output).toContain('au moins une URI de redirection');
    expect(
      (await cli('sp', 'create', '--siret', '21999999900028', '--name', 'X Y', '--procedure', 'Z Z', '--redirect-uri', 'https://x.example/cb'))
        .output,
    ).toContain('aucune organisation de SIRET 21999999900028');
    const privateJwks = join(directory, 'private.json');
    writeFileSync(privateJwks, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] }));
    expect((await cli(...base, '--redirect-uri', 'https://x.example/cb', '--jwks-file', privateJwks)).output).toContain('que des clés publiques');
  });

  it('grants, lists, renews and revokes habilitations within 18 months', async () => {
    const grant = [
      'habilitation',
      'grant',
      '--client-id',
      'cantine',
      '--purpose',
      'Calculer le tarif de la cantine.',
      '--legal-basis',
      'Délibération municipale',
      '--legal-reference',
      'CRPA L114-8',
      '--retention-days',
      '365',
    ];
    expect((await cli(...grant, '--scopes', 'cnaf_quotient_familial inconnu', '--valid-until', inMonths(12))).output).toContain(
      'scope hors catalogue : inconnu',
    );
    expect((await cli(...grant, '--scopes', 'cnaf_quotient_familial', '--valid-until', inMonths(19))).output).toContain(
      'fin de validité : validité de 18 mois au plus',
    );
    expect((await cli(...grant, '--scopes', 'cnaf_quotient_familial', '--valid-until', '01/02/2027')).output).toContain(
      'date attendue au format AAAA-MM-JJ',
    );
    expect((await cli(...grant, '--scopes', 'cnaf_quotient_familial', '--valid-until', inMonths(12), '--retention-days', 'un an')).output).toContain(
      'nombre entier attendu',
    );

    const granted = await cli(...grant, '--scopes', 'cnaf_quotient_familial cnaf_enfants', '--valid-until', inMonths(6), '--id', 'hab-cantine');
    expect(granted).toEqual({ code: 0, output: `Habilitation hab-cantine accordée à cantine jusqu’au ${inMonths(6)}` });
    expect((await cli(...grant, '--scopes', 'cnaf_quotient_familial', '--valid-until', inMonths(6))).output).toContain(
      'a déjà l’habilitation hab-cantine en cours',
    );
    expect((await cli('habilitation', 'list', '--client-id', 'cantine')).output).toContain('hab-cantine  cantine  active');

    // Derived answers: typed per scope, checked against what the scope allows, and said in words to the operator.
    expect(
      (
        await cli(
          ...grant,
          '--scopes',
          'cnaf_quotient_familial',
          '--valid-until',
          inMonths(6),
          '--client-id',
          'transport',
          '--derivation',
          'cnaf_quotient_familial=moyenne:3',
        )
      ).output,
    ).toContain('--derivation : « cnaf_quotient_familial=moyenne:3 »');
    expect(
      (
        await cli(
          ...grant,
          '--scopes',
          'cnaf_quotient_familial',
          '--valid-until',
          inMonths(6),
          '--client-id',
          'transport',
          '--derivation',
          'cnaf_quotient_familial=nombre:3',
        )
      ).output,
    ).toContain('règle « nombre » impossible');

    expect((await cli('habilitation', 'renew', '--id', 'hab-cantine', '--valid-until', inMonths(19))).output).toContain('18 mois au plus');
    expect((await cli('habilitation', 'renew', '--id', 'hab-cantine')).output).toBe(`Habilitation hab-cantine valable jusqu’au ${inMonths(18)}`);
    expect((await cli('habilitation', 'revoke', '--id', 'hab-cantine')).code).toBe(0);
    expect((await cli('habilitation', 'list')).output).toContain('hab-cantine  cantine  révoquée');
    expect((await cli('habilitation', 'renew', '--id', 'hab-cantine')).output).toContain('est révoquée');
    const derived = await cli(
      ...grant,
      '--scopes',
      'cnaf_quotient_familial cnaf_enfants',
      '--valid-until',
      inMonths(6),
      '--id',
      'hab-cantine-tranches',
      '--derivation',
      'cnaf_quotient_familial=tranche:450,800,1200',
      '--derivation',
      'cnaf_enfants=nombre:18',
    );
    expect(derived.code).toBe(0);
    const listed = (await cli('habilitation', 'list', '--client-id', 'cantine')).output;
    expect(listed).toContain(
      '  réponse dérivée pour cnaf_quotient_familial : le service saura seulement dans quelle tranche est votre quotient familial (0–450, 450–800, 800–1200 ou plus de 1200), pas sa valeur.',
    );
    expect(listed).toContain(
      '  réponse dérivée pour cnaf_enfants : le service saura seulement combien d’enfants de moins de 18 ans compte votre foyer',
    );
    expect((await cli('habilitation', 'revoke', '--id', 'inconnue')).output).toContain('aucune habilitation inconnue');

    // Call modes: only those the API offers; the DGFiP's data with at least one income year.
    const taxes = [...grant, '--valid-until', inMonths(6), '--client-id', 'transport'];
    expect((await cli(...taxes, '--scopes', 'pole_emploi_inscription', '--mode', 'france_travail_statut=france_connect')).output).toContain(
      'Statut demandeur d’emploi ne s’interroge que par l’identité pivot (ou un identifiant saisi)',
    );
    expect((await cli(...taxes, '--scopes', 'cnaf_quotient_familial', '--mode', 'quotient_familial=jeton')).output).toContain(
      'mode inconnu ; attendu identite, france_connect, france_connect_sinon_identite',
    );
    expect((await cli(...taxes, '--scopes', 'cnaf_quotient_familial', '--mode', 'prime_activite=france_connect')).output).toContain(
      'un mode d’appel ne vaut que pour une API dont l’habilitation demande une donnée',
    );
    expect((await cli(...taxes, '--scopes', 'dgfip_rfr', '--mode', 'impot_particulier=france_connect')).output).toContain(
      'les données fiscales demandent au moins une année de revenus',
    );
    expect((await cli('habilitation', 'revoke', '--id', 'hab-cantine-tranches')).code).toBe(0);
    const tokenMode = await cli(
      ...grant,
      '--valid-until',
      inMonths(6),
      '--scopes',
      'cnaf_quotient_familial dgfip_rfr dgfip_annee_n_moins_1',
      '--mode',
      'quotient_familial=france_connect_sinon_identite',
    );
    expect(tokenMode.code).toBe(0);
    expect(tokenMode.output).toContain('  quotient_familial interrogée avec le jeton FranceConnect, sinon par l’identité pivot');
  });

  it('answers unknown commands and options with the usage, exit code 2', async () => {
    const unknown = await cli('sp', 'supprimer');
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('Commande inconnue : sp supprimer');
    const option = await cli('habilitation', 'revoke', '--id', 'x', '--force');
    expect(option.code).toBe(2);
    expect(option.output).toContain('Usage : npm run cli -- habilitation revoke --id <id>');
    expect((await cli('organisation', 'create', '--siret', '21999999900010')).output).toContain('--name est obligatoire');
  });

  it('applies a seed file idempotently', async () => {
    const file = join(directory, 'seed.json');
    writeFileSync(
      file,
      JSON.stringify({
        organisations: [
          {
            siret: '21999999900028',
            name: 'Agglomération',
            service_providers: [
              {
                client_id: 'transport',
                client_secret: 'un-secret-de-developpement-assez-long-0001',
                display_name: 'Agglomération',
                procedure_name: 'Tarif solidaire',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: the seed file's own placeholder, replaced when it is applied
                redirect_uris: ['${DEMO_SP_URL}/callback'],
                habilitations: [
                  {
                    id: 'hab-transport',
                    scopes: ['complementaire_sante_solidaire'],
                    purpose: 'Accorder le tarif solidaire.',
                    legal_basis: 'Délibération',
                    legal_reference: 'Code des transports',
                    retention_days: 30,
                    valid_for_months: 12,
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect((await cli('seed', '--file', file)).output).toContain('1 fournisseur(s) de service');
    expect((await cli('seed', '--file', file)).code).toBe(0);
    expect(await db.selectFrom('service_provider').select('redirect_uris').where('client_id', '=', 'transport').execute()).toEqual([
      { redirect_uris: '["http://localhost:3004/callback"]' },
    ]);
    expect(await db.selectFrom('habilitation').select('id').where('client_id', '=', 'transport').execute()).toHaveLength(1);
    writeFileSync(file, '{"organisations": [{"siret": "1"}]}');
    const bad = await cli('seed', '--file', file);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('invalide');
  });

  it('records operator actions in the journal, and verifies the chain', async () => {
    const actions = await db.selectFrom('journal_entry').select(['type', 'data']).where('type', '=', 'operator.action').execute();
    expect(actions.map((a) => JSON.parse(a.data).command)).toEqual(
      expect.arrayContaining([
        'organisation create',
        'sp create',
        'sp rotate-secret',
        'sp webhook',
        'instructeur add',
        'instructeur remove',
        'habilitation grant',
        'habilitation renew',
        'habilitation revoke',
        'seed',
      ]),
    );
    expect(actions.some((a) => JSON.parse(a.data).command.endsWith('list'))).toBe(false);
    const unanchored = await cli('journal', 'verify');
    expect(unanchored.code).toBe(0);
    expect(unanchored.output).toMatch(/^Aucun fichier d’ancres .*ancres\.jsonl : la suppression des dernières entrées ne peut pas être détectée\.\n/);
    expect(unanchored.output).toMatch(/Journal intègre : \d+ entrée\(s\), chaînage et sceaux vérifiés ; aucune ancre\.$/);
    const anchored = await cli('journal', 'anchor');
    expect(anchored.output).toMatch(/^Ancre ajoutée à .*ancres\.jsonl : entrée n° (\d+), empreinte [0-9a-f]{64}\.$/);
    const head = Number(/n° (\d+)/.exec(anchored.output)?.[1]);
    const intact = await cli('journal', 'verify');
    expect(intact.code).toBe(0);
    expect(intact.output).toMatch(
      new RegExp(
        `^Journal intègre : ${head} entrée\\(s\\), chaînage et sceaux vérifiés ; 1 ancre\\(s\\) concordante\\(s\\), la dernière du .* \\(entrée n° ${head}\\)\\.$`,
      ),
    );

    await asDatabaseOwner(db, () => db.deleteFrom('journal_entry').where('seq', '=', head).execute());
    const cut = await cli('journal', 'verify');
    expect(cut.code).toBe(1);
    expect(cut.output).toMatch(
      new RegExp(
        `^Journal tronqué : l’ancre du .* atteste ${head} entrée\\(s\\), la base n’en a plus que ${head - 1} : 1 entrée\\(s\\) manquante\\(s\\) à la fin\\.$`,
      ),
    );

    await asDatabaseOwner(db, () => db.updateTable('journal_entry').set({ actor: 'quelqu’un' }).where('seq', '=', 2).execute());
    expect(await cli('journal', 'verify', '--ancres', join(directory, 'ancres.jsonl'))).toEqual({
      code: 1,
      output: 'Journal rompu à l’entrée n° 2 : contenu modifié ou scellé avec une autre clé. 1 entrée(s) vérifiée(s) avant elle.',
    });
  });

  it('runs as npm run cli against DATABASE_URL', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'cli', '--', 'organisation', 'list'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain("21999999900010  Mairie d'Exempleville");
  });
});
