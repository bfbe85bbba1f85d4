import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DataCipher, SealedPlace } from '../crypto/data-cipher.js';
import { randomCode } from '../crypto/random-code.js';
import type { Database, HabilitationRequestEventTable, HabilitationRequestState, HabilitationRequestTable } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Journal, JournalEventType } from '../journal/journal.js';
import { addMonths, MAX_VALIDITY_MONTHS } from '../registry/habilitation.js';
import { type HabilitationInput, type Registry, RegistryError, type ServiceProviderInput } from '../registry/registry.service.js';
import { DAY_MS, parisDay } from '../wording/dates.fr.js';
import { callModesOf, errorsOf, type RawForm, rawForm, redirectUrisOf, submittedForm } from './request-form.js';

/** A person signed in with ProConnect, as a request knows them. */
export interface Requester {
  sub: string;
  email: string;
  name: string;
  siret: string;
}

export interface Instructor {
  email: string;
  name: string;
}

export type HabilitationRequest = Selectable<HabilitationRequestTable>;
export type RequestEvent = Selectable<HabilitationRequestEventTable>;

/** Which step each state allows, and by whom: the one place the workflow is written. */
const EDITABLE: readonly HabilitationRequestState[] = ['brouillon', 'modifications_demandees'];
export const isEditable = (request: Pick<HabilitationRequest, 'state'>) => EDITABLE.includes(request.state);
export type Decision = 'modifications_demandees' | 'validee' | 'refusee';

/** How long before its end a habilitation may be prolonged, as DataPass offers it: three months. */
export const PROLONG_FROM_DAYS = 90;

const refused = (code: 'DEMANDE-HAB-001' | 'DEMANDE-HAB-002' | 'DEMANDE-HAB-003' | 'DEMANDE-HAB-004', reason: string) => new AppError(code, reason);

const newNumber = () => {
  const chars = randomCode(8);
  return `DH-${chars.slice(0, 4)}-${chars.slice(4)}`;
};

const JOURNALED: Record<RequestEvent['action'], JournalEventType> = {
  creee: 'habilitation_request.created',
  soumise: 'habilitation_request.submitted',
  modifications_demandees: 'habilitation_request.changes_requested',
  validee: 'habilitation_request.approved',
  refusee: 'habilitation_request.refused',
  message: 'habilitation_request.message',
};

const secretPlace = (requestId: string): SealedPlace => ({ table: 'credential_handover', column: 'secret_sealed', row: requestId });

/** Who to write to about a habilitation: the contacts of its latest approved request and who made it; none without one. */
export async function habilitationContacts(db: Kysely<Database>, habilitationId: string): Promise<string[]> {
  const latest = await db
    .selectFrom('habilitation_request')
    .select(['form', 'requester_email'])
    .where('habilitation_id', '=', habilitationId)
    .where('state', '=', 'validee')
    .orderBy('decided_at', 'desc')
    .executeTakeFirst();
  if (latest === undefined) return [];
  const form = rawForm.parse(JSON.parse(latest.form));
  const emails = [form.contact_metier_email, form.contact_technique_email, latest.requester_email].map((email) => email.trim().toLowerCase());
  return [...new Set(emails)].filter((email) => email.includes('@'));
}

export interface HabilitationRequestsDependencies {
  db: Kysely<Database>;
  journal: Journal;
  registry: Pick<
    Registry,
    'findOrganisationBySiret' | 'habilitationTermsProblems' | 'findHabilitation' | 'findServiceProvider' | 'activeHabilitation' | 'forget'
  >;
  /** The registry inside a transaction: an approval creates the organisation, the service and its habilitation at once. */
  registryWithin: (
    trx: Kysely<Database>,
  ) => Pick<Registry, 'findOrganisationBySiret' | 'createOrganisation' | 'createServiceProvider' | 'grantHabilitation' | 'renewHabilitation'>;
  cipher: DataCipher;
  allowLocalHttp: boolean;
  now?: () => number;
}

/**
 * Habilitation requests without HTTP: a service's staff fill one in (a draft keeps what they typed), submit it, follow
 * it and write to the instructors; the portal's instructors ask for changes, approve (which creates the organisation
 * if new, the service provider and its habilitation, and keeps the secret for its requester to see once) or refuse.
 * Each step is a line of the request's history and a journal entry.
 */
export function createHabilitationRequests({
  db,
  journal,
  registry,
  registryWithin,
  cipher,
  allowLocalHttp,
  now = Date.now,
}: HabilitationRequestsDependencies) {
  const record = async (
    trx: Kysely<Database>,
    request: Pick<HabilitationRequest, 'id' | 'number' | 'siret'>,
    author: { role: RequestEvent['author_role']; name: string; email: string },
    action: RequestEvent['action'],
    message: string | null,
    at: number,
    organisationId: string | null,
  ) => {
    // Each step of a request later than the one before, even within one millisecond: the history's order is theirs.
    const last = await trx
      .selectFrom('habilitation_request_event')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('request_id', '=', request.id)
      .executeTakeFirst();
    const stamped = Math.max(at, Number(last?.at ?? 0) + 1);
    await trx
      .insertInto('habilitation_request_event')
      .values({ id: randomUUID(), request_id: request.id, at: stamped, author_role: author.role, author_name: author.name, action, message })
      .execute();
    await journal.append(
      {
        type: JOURNALED[action],
        actor: author.role === 'instructeur' ? `instructor:${author.email}` : `requester:${author.email}`,
        organisationId,
        subject: `habilitation_request:${request.number}`,
        data: { siret: request.siret },
      },
      trx,
    );
  };

  /**
   * What an approval creates, inside its transaction: the service, its habilitation of 18 months from now, its secret
   * sealed for the requester to see once; the request then names the service and the habilitation.
   */
  const createApproved = async (
    trx: Kysely<Database>,
    requestId: string,
    service: ServiceProviderInput,
    terms: Omit<HabilitationInput, 'clientId' | 'validFrom' | 'validUntil'>,
    at: number,
  ) => {
    const within = registryWithin(trx);
    const created = await within.createServiceProvider(service);
    const habilitation = await within.grantHabilitation({
      ...terms,
      clientId: created.clientId,
      validFrom: at,
      validUntil: addMonths(at, MAX_VALIDITY_MONTHS),
    });
    if (created.clientSecret !== undefined)
      await trx
        .insertInto('credential_handover')
        .values({
          request_id: requestId,
          client_id: created.clientId,
          secret_sealed: cipher.encrypt(created.clientSecret, secretPlace(requestId)),
          created_at: at,
        })
        .execute();
    const named = { client_id: created.clientId, habilitation_id: habilitation.id };
    await trx.updateTable('habilitation_request').set(named).where('id', '=', requestId).execute();
    return named;
  };

  /** A prolongation or a passage into production: nothing to edit, created and submitted at once, with its note. */
  const submitAtOnce = async (
    requester: Requester,
    service: { organisation_name: string; organisation_id: string },
    kind: 'prolongation' | 'production',
    form: RawForm,
    note: string | undefined,
    names: Pick<HabilitationRequest, 'client_id' | 'source_client_id' | 'habilitation_id'>,
  ): Promise<HabilitationRequest> => {
    const at = now();
    const row: HabilitationRequest = {
      id: randomUUID(),
      number: newNumber(),
      siret: requester.siret,
      organisation_name: service.organisation_name,
      requester_sub: requester.sub,
      requester_email: requester.email,
      requester_name: requester.name,
      state: 'soumise',
      kind,
      form: JSON.stringify(form),
      ...names,
      created_at: at,
      updated_at: at,
      submitted_at: at,
      decided_at: null,
    };
    const author = { role: 'demandeur' as const, name: requester.name, email: requester.email };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('habilitation_request').values(row).execute();
      await record(trx, row, author, 'creee', null, at, service.organisation_id);
      await record(trx, row, author, 'soumise', note || null, at, service.organisation_id);
    });
    return row;
  };

  const organisationIdOf = async (siret: string) => (await registry.findOrganisationBySiret(siret))?.id ?? null;

  /** The form's problems if submitted now: its own checks, then the registry's rules on the habilitation's terms. */
  const problemsOf = (form: RawForm): { errors: Record<string, string> } | undefined => {
    const parsed = submittedForm({ today: parisDay(now()), allowLocalHttp }).safeParse(form);
    if (!parsed.success) return { errors: errorsOf(parsed.error) };
    const terms = registry.habilitationTermsProblems({
      scopes: parsed.data.scopes,
      purpose: parsed.data.finalite,
      legalBasis: parsed.data.cadre_juridique,
      legalReference: parsed.data.cadre_juridique_url,
      retentionDays: parsed.data.conservation_jours,
      callModes: callModesOf(parsed.data, parsed.data.scopes),
    });
    return terms.length === 0 ? undefined : { errors: { scopes: terms.join(' ') } };
  };

  /** A request's history, oldest first. */
  const historyOf = (id: string) => db.selectFrom('habilitation_request_event').selectAll().where('request_id', '=', id).orderBy('at').execute();
  const withHistory = async (request: HabilitationRequest | undefined) =>
    request === undefined ? undefined : { request, history: await historyOf(request.id), form: JSON.parse(request.form) as RawForm };

  /** A habilitation of the requester's organisation, with its service; refused for any other. */
  const ownHabilitation = async (requester: Requester, habilitationId: string) => {
    const habilitation = await registry.findHabilitation(habilitationId);
    const service = habilitation === undefined ? undefined : await registry.findServiceProvider(habilitation.client_id);
    if (habilitation === undefined || service?.organisation_siret !== requester.siret)
      throw refused('DEMANDE-HAB-001', 'habilitation d’une autre organisation');
    return { habilitation, service };
  };

  const mine = async (requester: Requester, id: string) => {
    const request = await db.selectFrom('habilitation_request').selectAll().where('id', '=', id).executeTakeFirst();
    return request?.siret === requester.siret ? request : undefined;
  };

  return {
    /** An organisation's requests, newest first. */
    ofOrganisation: (siret: string) =>
      db.selectFrom('habilitation_request').selectAll().where('siret', '=', siret).orderBy('created_at', 'desc').execute(),

    /** One of the requester's organisation's requests, with its history, oldest first; undefined for any other. */
    forRequester: async (requester: Requester, id: string) => withHistory(await mine(requester, id)),

    /** Any request, for instructors. */
    forInstructor: async (id: string) => withHistory(await db.selectFrom('habilitation_request').selectAll().where('id', '=', id).executeTakeFirst()),

    historyOf,

    /** The instructors' queue: submitted ones first, oldest first, then those waiting on their service, then decided ones. */
    async queue() {
      const rows = await db.selectFrom('habilitation_request').selectAll().where('state', '!=', 'brouillon').execute();
      const rank: Record<HabilitationRequestState, number> = { soumise: 0, modifications_demandees: 1, validee: 2, refusee: 2, brouillon: 3 };
      return rows.sort((a, b) => rank[a.state] - rank[b.state] || (a.submitted_at ?? 0) - (b.submitted_at ?? 0));
    },

    /**
     * Creates a request from what was typed, or saves it again while it is editable; `submit` also submits it when
     * complete. What was typed is always kept, complete or not: the errors say what is missing.
     */
    async save(
      requester: Requester,
      body: unknown,
      options: { id?: string; submit: boolean },
    ): Promise<{ request: HabilitationRequest; errors?: Record<string, string> }> {
      const form = rawForm.parse(body ?? {});
      const at = now();
      const existing = options.id === undefined ? undefined : await mine(requester, options.id);
      if (options.id !== undefined && existing === undefined) throw refused('DEMANDE-HAB-001', 'demande inconnue ou d’une autre organisation');
      if (existing !== undefined && !isEditable(existing)) throw refused('DEMANDE-HAB-002', `demande à l’état ${existing.state}`);
      const problems = options.submit ? problemsOf(form) : undefined;
      const submitting = options.submit && problems === undefined;
      const organisationId = await organisationIdOf(requester.siret);
      const author = { role: 'demandeur' as const, name: requester.name, email: requester.email };
      const request = await db.transaction().execute(async (trx) => {
        const columns = {
          form: JSON.stringify(form),
          organisation_name: form.organisation_nom.trim().slice(0, 200),
          updated_at: at,
          ...(submitting ? { state: 'soumise' as const, submitted_at: at } : {}),
        };
        let row: HabilitationRequest;
        if (existing === undefined) {
          row = {
            id: randomUUID(),
            number: newNumber(),
            siret: requester.siret,
            requester_sub: requester.sub,
            requester_email: requester.email,
            requester_name: requester.name,
            state: 'brouillon',
            kind: 'initiale',
            client_id: null,
            source_client_id: null,
            habilitation_id: null,
            created_at: at,
            submitted_at: null,
            decided_at: null,
            ...columns,
          };
          await trx.insertInto('habilitation_request').values(row).execute();
          await record(trx, row, author, 'creee', null, at, organisationId);
        } else {
          // Still editable when written: a save crossing a submission or a decision changes nothing.
          const saved = await trx
            .updateTable('habilitation_request')
            .set(columns)
            .where('id', '=', existing.id)
            .where('state', 'in', EDITABLE)
            .executeTakeFirst();
          if (saved.numUpdatedRows !== 1n) throw refused('DEMANDE-HAB-002', 'soumise ou décidée entre-temps');
          row = { ...existing, ...columns };
        }
        if (submitting) await record(trx, row, author, 'soumise', null, at, organisationId);
        return row;
      });
      return { request, ...(problems === undefined ? {} : { errors: problems.errors }) };
    },

    /** A message in the request's thread, from its service or an instructor, whatever its state. */
    async message(author: { requester: Requester } | { instructor: Instructor }, id: string, text: string): Promise<void> {
      const request =
        'requester' in author
          ? await mine(author.requester, id)
          : await db.selectFrom('habilitation_request').selectAll().where('id', '=', id).executeTakeFirst();
      if (request === undefined) throw refused('DEMANDE-HAB-001', 'demande inconnue ou d’une autre organisation');
      const who =
        'requester' in author
          ? { role: 'demandeur' as const, name: author.requester.name, email: author.requester.email }
          : { role: 'instructeur' as const, name: author.instructor.name, email: author.instructor.email };
      const organisationId = await organisationIdOf(request.siret);
      await db.transaction().execute((trx) => record(trx, request, who, 'message', text, now(), organisationId));
    },

    /**
     * An instructor's decision on a submitted request. Approving creates the organisation when new, the service
     * provider (its secret kept sealed for its requester) and the habilitation, 18 months from today, in one
     * transaction with the request's new state.
     */
    async decide(instructor: Instructor, id: string, decision: Decision, message: string | null): Promise<HabilitationRequest> {
      const request = await db.selectFrom('habilitation_request').selectAll().where('id', '=', id).executeTakeFirst();
      if (request === undefined) throw refused('DEMANDE-HAB-001', 'demande inconnue ou d’une autre organisation');
      if (request.state !== 'soumise') throw refused('DEMANDE-HAB-002', `demande à l’état ${request.state}`);
      if (decision !== 'validee' && (message === null || message.trim() === '')) throw refused('DEMANDE-HAB-003', 'décision sans message');
      // A prolongation or a passage into production has nothing to edit: its questions go through the messages.
      if (request.kind !== 'initiale' && decision === 'modifications_demandees') throw refused('DEMANDE-HAB-002', `${request.kind} à modifier`);
      // Production takes the terms of the habilitation in force in « bac à sable ».
      const sourceHabilitation =
        request.kind === 'production' && decision === 'validee' ? await registry.activeHabilitation(request.source_client_id ?? '') : undefined;
      if (request.kind === 'production' && decision === 'validee' && sourceHabilitation === undefined)
        throw refused('DEMANDE-HAB-002', 'habilitation du bac à sable révoquée ou terminée depuis la demande');
      if (request.kind === 'prolongation' && decision === 'validee') {
        const target = await registry.findHabilitation(request.habilitation_id ?? '');
        if (target === undefined || target.revoked_at !== null || target.valid_until <= now())
          throw refused('DEMANDE-HAB-002', 'habilitation révoquée ou terminée depuis la demande');
      }
      const at = now();
      const who = { role: 'instructeur' as const, name: instructor.name, email: instructor.email };
      // Read before the transaction: on SQLite it holds the only connection until it ends.
      let organisationId = await organisationIdOf(request.siret);
      const decided = await db
        .transaction()
        .execute(async (trx) => {
          const changes: Partial<HabilitationRequest> = {
            state: decision,
            updated_at: at,
            ...(decision === 'modifications_demandees' ? {} : { decided_at: at }),
          };
          // Taken first, conditionally: of two instructors deciding at once, the second finds it decided and changes nothing.
          const taken = await trx
            .updateTable('habilitation_request')
            .set(changes)
            .where('id', '=', request.id)
            .where('state', '=', 'soumise')
            .executeTakeFirst();
          if (taken.numUpdatedRows !== 1n) throw refused('DEMANDE-HAB-002', 'décidée entre-temps');
          // One production service per service in « bac à sable », whatever was asked twice.
          if (decision === 'validee' && request.kind === 'production') {
            const earlier = await trx
              .selectFrom('habilitation_request')
              .select('id')
              .where('source_client_id', '=', request.source_client_id)
              .where('kind', '=', 'production')
              .where('state', '=', 'validee')
              .where('id', '!=', request.id)
              .executeTakeFirst();
            if (earlier !== undefined) throw refused('DEMANDE-HAB-002', 'service déjà passé en production');
          }
          if (decision === 'validee' && request.kind === 'prolongation') {
            await registryWithin(trx).renewHabilitation(request.habilitation_id ?? '');
          } else if (decision === 'validee' && request.kind === 'production' && sourceHabilitation !== undefined) {
            const form = rawForm.parse(JSON.parse(request.form));
            const service = {
              siret: request.siret,
              displayName: form.organisation_nom,
              procedureName: form.intitule,
              redirectUris: redirectUrisOf(form),
              ...(form.webhook_url.trim() === '' ? {} : { webhookUrl: form.webhook_url.trim() }),
              environment: 'production' as const,
            };
            const terms = {
              scopes: JSON.parse(sourceHabilitation.scopes) as string[],
              purpose: sourceHabilitation.purpose,
              legalBasis: sourceHabilitation.legal_basis,
              legalReference: sourceHabilitation.legal_reference,
              retentionDays: sourceHabilitation.retention_days,
              derivations: sourceHabilitation.derivations === null ? undefined : JSON.parse(sourceHabilitation.derivations),
              callModes: sourceHabilitation.call_modes === null ? undefined : JSON.parse(sourceHabilitation.call_modes),
            };
            Object.assign(changes, await createApproved(trx, request.id, service, terms, at));
          } else if (decision === 'validee') {
            const form = submittedForm({ today: parisDay(request.submitted_at ?? at), allowLocalHttp }).parse(JSON.parse(request.form));
            const within = registryWithin(trx);
            // A known organisation keeps its name: the request names it only when it is new.
            organisationId =
              (await within.findOrganisationBySiret(request.siret))?.id ??
              (await within.createOrganisation({ siret: request.siret, name: form.organisation_nom })).id;
            const service = {
              siret: request.siret,
              displayName: form.organisation_nom,
              procedureName: form.intitule,
              redirectUris: form.redirect_uris,
              ...(form.webhook_url === '' ? {} : { webhookUrl: form.webhook_url }),
              // A first approval gives a service in « bac à sable »; production is a second approval.
              environment: 'bac_a_sable' as const,
            };
            const terms = {
              scopes: form.scopes,
              purpose: form.finalite,
              legalBasis: form.cadre_juridique,
              legalReference: form.cadre_juridique_url,
              retentionDays: form.conservation_jours,
              callModes: callModesOf(form, form.scopes),
            };
            Object.assign(changes, await createApproved(trx, request.id, service, terms, at));
          }
          await record(trx, request, who, decision, message?.trim() || null, at, organisationId);
          return { ...request, ...changes };
        })
        .catch((error: unknown) => {
          // The registry's rules refusing the terms now (changed since the request was submitted): a step not possible.
          throw error instanceof RegistryError ? refused('DEMANDE-HAB-002', error.message) : error;
        });
      // Made through a registry of the transaction: what this node remembered of the service is out of date.
      registry.forget();
      return decided;
    },

    /**
     * « Prolonger »: a lighter request for a habilitation of the requester's organisation ending within three months,
     * submitted at once with the terms in force and what the service wants to say; one open at a time.
     */
    async prolong(requester: Requester, habilitationId: string, note: string): Promise<HabilitationRequest> {
      const { habilitation, service } = await ownHabilitation(requester, habilitationId);
      const at = now();
      if (!this.prolongable(habilitation, at)) throw refused('DEMANDE-HAB-002', 'habilitation pas encore ou plus prolongeable');
      const open = await db
        .selectFrom('habilitation_request')
        .select('id')
        .where('habilitation_id', '=', habilitationId)
        .where('kind', '=', 'prolongation')
        .where('state', 'in', ['soumise', 'modifications_demandees'])
        .executeTakeFirst();
      if (open !== undefined) throw refused('DEMANDE-HAB-002', 'prolongation déjà demandée');
      const original = await db
        .selectFrom('habilitation_request')
        .select('form')
        .where('client_id', '=', habilitation.client_id)
        .where('state', '=', 'validee')
        .orderBy('decided_at', 'desc')
        .executeTakeFirst();
      const form = {
        ...rawForm.parse(original === undefined ? {} : JSON.parse(original.form)),
        organisation_nom: service.organisation_name,
        intitule: service.procedure_name,
        finalite: habilitation.purpose,
        cadre_juridique: habilitation.legal_basis,
        cadre_juridique_url: habilitation.legal_reference,
        conservation_jours: String(habilitation.retention_days),
        scopes: JSON.parse(habilitation.scopes) as string[],
        prolongation_note: note.trim().slice(0, 2000),
      };
      return submitAtOnce(requester, service, 'prolongation', form, form.prolongation_note, {
        client_id: habilitation.client_id,
        source_client_id: null,
        habilitation_id: habilitation.id,
      });
    },

    /**
     * The passage into production of a service in « bac à sable » of the requester's organisation: its production
     * addresses (return, notification) and a note, submitted at once with the terms of the request that created it;
     * one at a time, and once. Incomplete or wrong addresses come back as errors, nothing created.
     */
    async askProduction(
      requester: Requester,
      clientId: string,
      input: { redirect_uris: string; webhook_url: string; note: string },
    ): Promise<{ request: HabilitationRequest; errors?: undefined } | { request?: undefined; errors: Record<string, string> }> {
      const service = await registry.findServiceProvider(clientId);
      if (service === undefined || service.organisation_siret !== requester.siret)
        throw refused('DEMANDE-HAB-001', 'service d’une autre organisation');
      if (service.environment !== 'bac_a_sable') throw refused('DEMANDE-HAB-002', 'service déjà en production');
      const asked = await db
        .selectFrom('habilitation_request')
        .select('id')
        .where('source_client_id', '=', clientId)
        .where('kind', '=', 'production')
        .where('state', 'in', ['soumise', 'modifications_demandees', 'validee'])
        .executeTakeFirst();
      if (asked !== undefined) throw refused('DEMANDE-HAB-002', 'passage en production déjà demandé');
      const original = await db
        .selectFrom('habilitation_request')
        .select('form')
        .where('client_id', '=', clientId)
        .where('kind', '=', 'initiale')
        .where('state', '=', 'validee')
        .executeTakeFirst();
      if (original === undefined) throw refused('DEMANDE-HAB-002', 'service sans demande d’habilitation');
      const form: RawForm = {
        ...rawForm.parse(JSON.parse(original.form)),
        redirect_uris: input.redirect_uris.slice(0, 2000),
        webhook_url: input.webhook_url.slice(0, 2000),
        production_note: input.note.trim().slice(0, 2000),
      };
      const problems = problemsOf(form);
      if (problems !== undefined) {
        const errors = Object.fromEntries(Object.entries(problems.errors).filter(([field]) => field === 'redirect_uris' || field === 'webhook_url'));
        // Anything else wrong is the registry's rules having changed since the first approval: the instructors' to see.
        if (Object.keys(errors).length > 0) return { errors };
      }
      const request = await submitAtOnce(requester, service, 'production', form, form.production_note, {
        client_id: null,
        source_client_id: clientId,
        habilitation_id: null,
      });
      return { request };
    },

    /** The passage into production asked for a service in « bac à sable » and not refused, if any: its request. */
    productionRequestOf: (clientId: string) =>
      db
        .selectFrom('habilitation_request')
        .selectAll()
        .where('source_client_id', '=', clientId)
        .where('kind', '=', 'production')
        .where('state', '!=', 'refusee')
        .orderBy('created_at', 'desc')
        .executeTakeFirst(),

    /** What « Prolonger » shows: a habilitation of the requester's organisation and its service. */
    prolongationOf: ownHabilitation,

    /** Whether a habilitation may be prolonged now: in force, and ending within PROLONG_FROM_DAYS. */
    prolongable: (habilitation: { revoked_at: number | null; valid_from: number; valid_until: number }, at = now()) =>
      habilitation.revoked_at === null &&
      habilitation.valid_from <= at &&
      habilitation.valid_until > at &&
      habilitation.valid_until - at <= PROLONG_FROM_DAYS * DAY_MS,

    /** Whether the requester has yet to see the new service's secret. */
    async secretWaiting(request: Pick<HabilitationRequest, 'id'>): Promise<boolean> {
      return (await db.selectFrom('credential_handover').select('request_id').where('request_id', '=', request.id).executeTakeFirst()) !== undefined;
    },

    /** The new service's secret, once: read, then forgotten; the journal says who saw it. */
    async revealSecret(requester: Requester, id: string): Promise<{ clientId: string; secret: string } | undefined> {
      const request = await mine(requester, id);
      if (request === undefined) throw refused('DEMANDE-HAB-001', 'demande inconnue ou d’une autre organisation');
      // Anyone of the organisation follows its requests; the secret is for the one person who asked.
      if (request.requester_sub !== requester.sub) throw refused('DEMANDE-HAB-004', 'secret demandé par un autre que le demandeur');
      const organisationId = await organisationIdOf(request.siret);
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('credential_handover').selectAll().where('request_id', '=', id).executeTakeFirst();
        if (row === undefined) return undefined;
        const deleted = await trx.deleteFrom('credential_handover').where('request_id', '=', id).executeTakeFirst();
        if (deleted.numDeletedRows !== 1n) return undefined;
        await journal.append(
          {
            type: 'habilitation_request.secret_shown',
            actor: `requester:${requester.email}`,
            organisationId,
            subject: `habilitation_request:${request.number}`,
            data: { clientId: row.client_id },
          },
          trx,
        );
        return { clientId: row.client_id, secret: cipher.decrypt(row.secret_sealed, secretPlace(id)) };
      });
    },
  };
}

export type HabilitationRequests = ReturnType<typeof createHabilitationRequests>;
