import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CALL_MODE_NAMES, CALL_MODES, callModesSchema } from '../catalogue/call-modes.js';
import { CATALOGUE_SCOPES } from '../catalogue/catalogue.js';
import { parseDerivations, ruleSentence } from '../catalogue/derivations.js';
import { SCOPES } from '../catalogue/scopes.js';
import type { Anchoring, verifyAgainstAnchors } from '../journal/anchors.js';
import type { Journal } from '../journal/journal.js';
import { type latestSpEvents, stateOf } from '../notifications/event-outbox.js';
import type { Instructors } from '../onboarding/instructors.js';
import { habilitationStatus } from '../registry/habilitation.js';
import { type Registry, RegistryError } from '../registry/registry.service.js';
import { applySeed } from '../registry/seed.js';
import { DAY_MS } from '../wording/dates.fr.js';
import { HABILITATION_STATUS_TEXTS, SP_EVENT_STATE_TEXTS } from '../wording/labels.fr.js';

export interface CliContext {
  registry: Registry;
  journal: Journal;
  /** Checks the chain against the anchors of these files (the node's own file when none is given). */
  verify: (anchorFiles: string[]) => ReturnType<typeof verifyAgainstAnchors>;
  anchoring: Anchoring;
  anchorFile: string;
  purgeRetention: () => Promise<number>;
  out: (line: string) => void;
  instructors: Pick<Instructors, 'add' | 'remove' | 'list'>;
  /** A service's latest events and what became of them. */
  latestEvents: (clientId: string) => ReturnType<typeof latestSpEvents>;
  seedVariables: Record<string, string>;
}

type Options = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

interface Command {
  usage: string;
  options: Options;
  /** Reads only: not recorded in the journal. */
  readOnly?: boolean;
  run(values: Record<string, string | string[] | boolean | undefined>, context: CliContext): Promise<void>;
}

/** A usage mistake: the message and the command's usage are shown, exit code 2. */
class UsageError extends Error {}

/** journal verify found a broken link, a cut tail or a bad anchor: exit code 1, the message is already out. */
class ChainBroken extends Error {}

const required = (values: Record<string, unknown>, name: string): string => {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} est obligatoire`);
  return value;
};

/** "2027-06-01" → the end of that day, UTC: a habilitation is valid through the date given. */
function endOfDay(value: string, name: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`--${name} : date attendue au format AAAA-MM-JJ`);
  return Date.parse(`${value}T23:59:59.999Z`);
}

function integer(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} : nombre entier attendu`);
  return Number(value);
}

const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
const minute = (epochMs: number) => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** « cnaf_quotient_familial=tranche:450,800,1200 », « cnaf_enfants=nombre:18 »: derived answers as operators type them. */
function derivationsOf(typed: string[]): Record<string, unknown> {
  return Object.fromEntries(
    typed.map((text) => {
      const match = /^([a-z0-9_]+)=(tranche|seuil|nombre|champs):([\w,]+)$/.exec(text.trim());
      if (match === null)
        throw new UsageError(
          `--derivation : « ${text} » ; attendu <scope>=tranche:450,800, <scope>=seuil:800, <scope>=nombre:18 ou <scope>=champs:premier_prenom,annee_naissance`,
        );
      const [, scope = '', rule = '', list = ''] = match;
      const values = list.split(',');
      const [first = ''] = values;
      // Read as typed; the registry checks each rule against what its scope allows and says what is wrong.
      const derivation =
        rule === 'tranche'
          ? { regle: rule, bornes: values.map(Number) }
          : rule === 'seuil'
            ? { regle: rule, seuil: Number(first) }
            : rule === 'nombre'
              ? { regle: rule, age_max: Number(first) }
              : { regle: rule, champs: values };
      return [scope, derivation];
    }),
  );
}

/** « quotient_familial=france_connect »: how an API is asked, as operators type it; the registry checks the mode. */
const callModesOf = (typed: string[]): Record<string, string> =>
  Object.fromEntries(
    typed.map((text) => {
      const match = /^([a-z0-9_]+)=([a-z_]+)$/.exec(text.trim());
      if (match === null) throw new UsageError(`--mode : « ${text} » ; attendu <api>=${CALL_MODES.join(' | ')}`);
      return [match[1], match[2]];
    }),
  );

/** What a habilitation's derived answers send and how its APIs are asked, in words, for the operator who instructs it. */
const termLines = (habilitation: { derivations: string | null; call_modes: string | null }) => [
  ...Object.entries(parseDerivations(habilitation.derivations)).map(
    ([scope, derivation]) => `  réponse dérivée pour ${scope} : ${ruleSentence(derivation, 'le service')}`,
  ),
  ...Object.entries(habilitation.call_modes === null ? {} : callModesSchema.parse(JSON.parse(habilitation.call_modes))).map(
    ([api, mode]) => `  ${api} interrogée ${CALL_MODE_NAMES[mode]}`,
  ),
];

const COMMANDS: Record<string, Command> = {
  'organisation create': {
    usage: 'organisation create --siret <14 chiffres> --name <nom>',
    options: { siret: { type: 'string' }, name: { type: 'string' } },
    async run(values, { registry, out }) {
      const organisation = await registry.createOrganisation({ siret: required(values, 'siret'), name: required(values, 'name') });
      out(`Organisation créée : ${organisation.name} (SIRET ${organisation.siret})`);
    },
  },
  'organisation list': {
    readOnly: true,
    usage: 'organisation list',
    options: {},
    async run(_values, { registry, out }) {
      const organisations = await registry.listOrganisations();
      if (organisations.length === 0) out('Aucune organisation.');
      for (const organisation of organisations) out(`${organisation.siret}  ${organisation.name}`);
    },
  },
  'sp create': {
    usage:
      'sp create --siret <SIRET> --name <nom affiché> --procedure <démarche> --redirect-uri <uri> [--redirect-uri <uri>…] [--post-logout-uri <uri>…] [--webhook-url <uri>] [--client-id <id>] [--jwks-file <fichier> | --jwks-uri <uri>]',
    options: {
      siret: { type: 'string' },
      name: { type: 'string' },
      procedure: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      'client-id': { type: 'string' },
      'jwks-file': { type: 'string' },
      'jwks-uri': { type: 'string' },
    },
    async run(values, { registry, out }) {
      const jwksFile = values['jwks-file'];
      const created = await registry.createServiceProvider({
        siret: required(values, 'siret'),
        displayName: required(values, 'name'),
        procedureName: required(values, 'procedure'),
        redirectUris: (values['redirect-uri'] as string[] | undefined) ?? [],
        postLogoutRedirectUris: (values['post-logout-uri'] as string[] | undefined) ?? [],
        webhookUrl: values['webhook-url'] as string | undefined,
        clientId: values['client-id'] as string | undefined,
        jwks: typeof jwksFile === 'string' ? JSON.parse(readFileSync(jwksFile, 'utf8')) : undefined,
        jwksUri: values['jwks-uri'] as string | undefined,
      });
      out(`Fournisseur de service créé : client_id ${created.clientId}`);
      if (created.clientSecret !== undefined) {
        out(`Secret (affiché une seule fois, conservez-le maintenant) : ${created.clientSecret}`);
      } else {
        out('Authentification par clé privée (private_key_jwt) : aucun secret.');
      }
    },
  },
  'sp list': {
    readOnly: true,
    usage: 'sp list',
    options: {},
    async run(_values, { registry, out }) {
      const sps = await registry.listServiceProviders();
      if (sps.length === 0) out('Aucun fournisseur de service.');
      for (const sp of sps)
        out(
          `${sp.client_id}  ${sp.organisation_name} (${sp.organisation_siret})  « ${sp.procedure_name} »  ${sp.auth_method}${sp.jwks_uri === null ? '' : ` (clés à ${sp.jwks_uri})`}${sp.previous_secret_until !== null && sp.previous_secret_until > Date.now() ? `  ancien secret valable jusqu’au ${minute(sp.previous_secret_until)}` : ''}  ${JSON.parse(sp.redirect_uris).join(' ')}${sp.webhook_url === null ? '' : `  événements → ${sp.webhook_url}`}`,
        );
    },
  },
  'sp rotate-secret': {
    usage: 'sp rotate-secret --client-id <id> [--overlap-days <1 à 30>]',
    options: { 'client-id': { type: 'string' }, 'overlap-days': { type: 'string' } },
    async run(values, { registry, out }) {
      const days = values['overlap-days'] === undefined ? undefined : integer(required(values, 'overlap-days'), 'overlap-days');
      const rotated = await registry.rotateSecret(required(values, 'client-id'), days === undefined ? undefined : Date.now() + days * DAY_MS);
      out(
        rotated.previousUntil === undefined
          ? 'L’ancien secret ne fonctionne plus.'
          : `L’ancien secret fonctionne encore jusqu’au ${minute(rotated.previousUntil)} (sp end-overlap pour l’arrêter plus tôt).`,
      );
      out(`Nouveau secret (affiché une seule fois) : ${rotated.secret}`);
    },
  },
  'sp end-overlap': {
    usage: 'sp end-overlap --client-id <id>',
    options: { 'client-id': { type: 'string' } },
    async run(values, { registry, out }) {
      await registry.endSecretOverlap(required(values, 'client-id'));
      out('L’ancien secret ne fonctionne plus ; seul le nouveau est accepté.');
    },
  },
  'sp jwks-uri': {
    usage: 'sp jwks-uri --client-id <id> --url <https://…>',
    options: { 'client-id': { type: 'string' }, url: { type: 'string' } },
    async run(values, { registry, out }) {
      const uri = await registry.useKeysAt(required(values, 'client-id'), required(values, 'url'));
      out(`Authentification par clé privée (private_key_jwt), clés publiques lues à ${uri} ; tout secret cesse de fonctionner.`);
    },
  },
  'sp webhook': {
    usage: 'sp webhook --client-id <id> (--url <https://…> | --remove)',
    options: { 'client-id': { type: 'string' }, url: { type: 'string' }, remove: { type: 'boolean' } },
    async run(values, { registry, out }) {
      const clientId = required(values, 'client-id');
      if ((values.url === undefined) === (values.remove !== true)) throw new UsageError('--url ou --remove, l’un des deux');
      const url = await registry.setWebhookUrl(clientId, values.remove === true ? undefined : required(values, 'url'));
      out(
        url === null
          ? `${clientId} ne recevra plus d’événements ; ceux en attente sont abandonnés.`
          : `${clientId} recevra ses événements (justificatif.retire, habilitation.expire_bientot) à ${url}`,
      );
    },
  },
  'sp events': {
    readOnly: true,
    usage: 'sp events --client-id <id>',
    options: { 'client-id': { type: 'string' } },
    async run(values, { latestEvents, out }) {
      const events = await latestEvents(required(values, 'client-id'));
      if (events.length === 0) out('Aucun événement.');
      for (const event of events) {
        const next = event.next_attempt_at === null ? '' : ` ; prochain essai ${minute(event.next_attempt_at)}`;
        out(
          `${minute(event.occurred_at)}  ${event.type}  ${SP_EVENT_STATE_TEXTS[stateOf(event)]} (${event.attempts} essai${event.attempts > 1 ? 's' : ''}${event.last_outcome === null ? '' : `, ${event.last_outcome}`}${next})  ${event.id}`,
        );
      }
    },
  },
  'instructeur add': {
    usage: 'instructeur add --email <adresse du compte ProConnect>',
    options: { email: { type: 'string' } },
    async run(values, { instructors, out }) {
      const email = required(values, 'email');
      if (!z.email().safeParse(email).success) throw new UsageError(`adresse électronique invalide : ${email}`);
      await instructors.add(email);
      out(`${email.toLowerCase()} instruit désormais les demandes d’habilitation (/instruction).`);
    },
  },
  'instructeur remove': {
    usage: 'instructeur remove --email <adresse>',
    options: { email: { type: 'string' } },
    async run(values, { instructors, out }) {
      const email = required(values, 'email');
      out(
        (await instructors.remove(email))
          ? `${email.toLowerCase()} n’instruit plus les demandes.`
          : `${email.toLowerCase()} n’avait pas été ajouté par la ligne de commande (INSTRUCTOR_EMAILS se change dans la configuration).`,
      );
    },
  },
  'instructeur list': {
    readOnly: true,
    usage: 'instructeur list',
    options: {},
    async run(_values, { instructors, out }) {
      const list = await instructors.list();
      if (list.length === 0) out('Aucun instructeur.');
      for (const instructor of list) out(`${instructor.email}  (${instructor.source})`);
    },
  },
  'habilitation grant': {
    usage:
      'habilitation grant --client-id <id> --scopes "<scope> <scope>…" --purpose <finalité> --legal-basis <cadre légal> --legal-reference <référence> --retention-days <jours> --valid-until <AAAA-MM-JJ> [--id <id>] [--derivation <scope>=tranche:<borne>,<borne>… | <scope>=seuil:<seuil> | <scope>=nombre:<âge>]… [--mode <api>=identite|france_connect|france_connect_sinon_identite]…',
    options: {
      'client-id': { type: 'string' },
      scopes: { type: 'string' },
      purpose: { type: 'string' },
      'legal-basis': { type: 'string' },
      'legal-reference': { type: 'string' },
      'retention-days': { type: 'string' },
      'valid-until': { type: 'string' },
      id: { type: 'string' },
      derivation: { type: 'string', multiple: true },
      mode: { type: 'string', multiple: true },
    },
    async run(values, { registry, out }) {
      const habilitation = await registry.grantHabilitation({
        derivations: derivationsOf((values.derivation as string[] | undefined) ?? []),
        callModes: callModesOf((values.mode as string[] | undefined) ?? []),
        id: values.id as string | undefined,
        clientId: required(values, 'client-id'),
        scopes: required(values, 'scopes')
          .split(/[\s,]+/)
          .filter(Boolean),
        purpose: required(values, 'purpose'),
        legalBasis: required(values, 'legal-basis'),
        legalReference: required(values, 'legal-reference'),
        retentionDays: integer(required(values, 'retention-days'), 'retention-days'),
        validUntil: endOfDay(required(values, 'valid-until'), 'valid-until'),
      });
      out(`Habilitation ${habilitation.id} accordée à ${habilitation.client_id} jusqu’au ${day(habilitation.valid_until)}`);
      for (const line of termLines(habilitation)) out(line);
    },
  },
  'habilitation renew': {
    usage: 'habilitation renew --id <id> [--valid-until <AAAA-MM-JJ>] (18 mois au plus à partir d’aujourd’hui, 18 mois par défaut)',
    options: { id: { type: 'string' }, 'valid-until': { type: 'string' } },
    async run(values, { registry, out }) {
      const until = values['valid-until'];
      const renewed = await registry.renewHabilitation(
        required(values, 'id'),
        typeof until === 'string' ? endOfDay(until, 'valid-until') : undefined,
      );
      out(`Habilitation ${renewed.id} valable jusqu’au ${day(renewed.valid_until)}`);
    },
  },
  'habilitation revoke': {
    usage: 'habilitation revoke --id <id>',
    options: { id: { type: 'string' } },
    async run(values, { registry, out }) {
      const revoked = await registry.revokeHabilitation(required(values, 'id'));
      out(`Habilitation ${revoked.id} révoquée : ${revoked.client_id} ne peut plus rien demander à ce titre.`);
    },
  },
  'habilitation list': {
    readOnly: true,
    usage: 'habilitation list [--client-id <id>]',
    options: { 'client-id': { type: 'string' } },
    async run(values, { registry, out }) {
      const list = await registry.listHabilitations(values['client-id'] as string | undefined);
      if (list.length === 0) out('Aucune habilitation.');
      for (const h of list) {
        out(
          `${h.id}  ${h.client_id}  ${HABILITATION_STATUS_TEXTS[habilitationStatus(h)]}  du ${day(h.valid_from)} au ${day(h.valid_until)}  ${JSON.parse(h.scopes).join(' ')}`,
        );
        for (const line of termLines(h)) out(line);
      }
    },
  },
  'retention purge': {
    usage: 'retention purge',
    options: {},
    readOnly: true,
    async run(_values, { purgeRetention, out }) {
      const count = await purgeRetention();
      out(
        count === 0
          ? 'Aucun justificatif arrivé à échéance.'
          : `${count} justificatif(s) arrivé(s) à échéance effacé(s) ; leur trace reste au journal.`,
      );
    },
  },
  'agent add': {
    usage: 'agent add --siret <SIRET> --email <adresse ProConnect> --role <lecteur|administrateur>',
    options: { siret: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    async run(values, { registry, out }) {
      const agent = await registry.addAgent({ siret: required(values, 'siret'), email: required(values, 'email'), role: required(values, 'role') });
      out(`Agent ${agent.email} habilité (${agent.role}).`);
    },
  },
  'agent remove': {
    usage: 'agent remove --siret <SIRET> --email <adresse>',
    options: { siret: { type: 'string' }, email: { type: 'string' } },
    async run(values, { registry, out }) {
      await registry.removeAgent({ siret: required(values, 'siret'), email: required(values, 'email') });
      out(`Agent ${String(values.email)} retiré.`);
    },
  },
  'agent list': {
    usage: 'agent list --siret <SIRET>',
    options: { siret: { type: 'string' } },
    readOnly: true,
    async run(values, { registry, out }) {
      const agents = await registry.listAgents(required(values, 'siret'));
      if (agents.length === 0) out('Aucun agent.');
      for (const agent of agents) out(`${agent.email}  ${agent.role}`);
    },
  },
  seed: {
    usage: 'seed --file <fichier.json>',
    options: { file: { type: 'string' } },
    async run(values, { registry, out, seedVariables }) {
      const file = required(values, 'file');
      const { serviceProviders } = await applySeed(registry, file, seedVariables);
      out(`Fichier ${file} appliqué : ${serviceProviders} fournisseur(s) de service.`);
    },
  },
  'journal verify': {
    usage: 'journal verify [--ancres <fichier>]…',
    options: { ancres: { type: 'string', multiple: true } },
    readOnly: true,
    async run(values, { verify, anchorFile, out }) {
      const files = (values.ancres as string[] | undefined) ?? [anchorFile];
      const result = await verify(files);
      for (const file of result.absent) out(`Aucun fichier d’ancres ${file} : la suppression des dernières entrées ne peut pas être détectée.`);
      for (const { file, line } of result.badLines) out(`Ancre illisible ou falsifiée : ${file}, ligne ${line}.`);
      const { latest, checked, missingAtEnd } = result.anchors;
      if (missingAtEnd > 0 && latest !== undefined) {
        out(
          `Journal tronqué : l’ancre du ${new Date(latest.at).toISOString()} atteste ${latest.seq} entrée(s), la base n’en a plus que ${result.entries} : ${missingAtEnd} entrée(s) manquante(s) à la fin.`,
        );
        throw new ChainBroken();
      }
      if (result.brokenAt !== undefined) {
        out(`Journal rompu à l’entrée n° ${result.brokenAt} : ${result.reason}. ${result.entries} entrée(s) vérifiée(s) avant elle.`);
        throw new ChainBroken();
      }
      const anchored =
        latest === undefined
          ? 'aucune ancre'
          : `${checked} ancre(s) concordante(s), la dernière du ${new Date(latest.at).toISOString()} (entrée n° ${latest.seq})`;
      out(`Journal intègre : ${result.entries} entrée(s), chaînage et sceaux vérifiés ; ${anchored}.`);
      if (result.badLines.length > 0) throw new ChainBroken();
    },
  },
  'journal anchor': {
    usage: 'journal anchor',
    options: {},
    // An anchor records the head: journaling it would move the head at once.
    readOnly: true,
    async run(_values, { anchoring, anchorFile, out }) {
      const anchor = await anchoring.anchor();
      out(
        anchor === undefined
          ? 'Journal vide : aucune ancre à prendre.'
          : `Ancre ajoutée à ${anchorFile} : entrée n° ${anchor.seq}, empreinte ${anchor.hash}.`,
      );
    },
  },
  catalogue: {
    readOnly: true,
    usage: 'catalogue',
    options: {},
    async run(_values, { out }) {
      for (const entry of SCOPES) out(`${entry.scope.padEnd(52)} ${entry.label}`);
      out(`${CATALOGUE_SCOPES.length} scopes.`);
    },
  },
};

export function usage(): string {
  return ['Usage : npm run cli -- <commande> [options]', '', ...Object.values(COMMANDS).map((command) => `  ${command.usage}`)].join('\n');
}

/** Runs one command; returns the process exit code (0 done, 2 refused input, 1 unexpected failure). */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const name = [argv.slice(0, 2).join(' '), argv[0] ?? ''].find((candidate) => candidate in COMMANDS);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (name === undefined || command === undefined) {
    context.out(argv.length === 0 ? usage() : `Commande inconnue : ${argv.join(' ')}\n\n${usage()}`);
    return 2;
  }
  try {
    const { values } = parseArgs({ args: argv.slice(name.split(' ').length), options: command.options, strict: true, allowPositionals: false });
    await command.run(values as Record<string, string | string[] | boolean | undefined>, context);
    if (!command.readOnly) await context.journal.append({ type: 'operator.action', actor: 'operator', data: { command: name, options: values } });
    return 0;
  } catch (error) {
    if (error instanceof ChainBroken) return 1;
    if (error instanceof RegistryError) {
      context.out(`Refusé : ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      context.out(`${(error as Error).message}\nUsage : npm run cli -- ${command.usage}`);
      return 2;
    }
    if (error instanceof SyntaxError) {
      context.out(`Fichier JSON illisible : ${error.message}`);
      return 2;
    }
    throw error;
  }
}
