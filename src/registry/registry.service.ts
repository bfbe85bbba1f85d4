import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { callModesSchema } from '../catalogue/call-modes.js';
import { apisFor, isCatalogueScope } from '../catalogue/catalogue.js';
import { derivationsSchema } from '../catalogue/derivations.js';
import { isIncomeYearScope } from '../catalogue/income-years.js';
import { createLookupCache } from '../db/lookup-cache.js';
import type { Database, HabilitationTable } from '../db/schema.js';
import { DAY_MS } from '../wording/dates.fr.js';
import { deleteAgentByEmail, findAgent, insertAgent, listAgents } from './agent.repository.js';
import { generateClientSecret, hashClientSecret, MAX_SECRET_OVERLAP_DAYS } from './client-secret.js';
import { type DataRequest, dataRequestOf } from './data-request.js';
import { addMonths, MAX_VALIDITY_MONTHS } from './habilitation.js';
import * as habilitations from './habilitation.repository.js';
import * as organisations from './organisation.repository.js';
import * as serviceProviders from './service-provider.repository.js';
import { isValidSiret } from './siret.js';

/** A refused registry operation, in words an operator can act on. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

const siret = z
  .string()
  .transform((value) => value.replace(/\s/g, ''))
  .refine(isValidSiret, 'invalide : 14 chiffres dont la clé de contrôle (Luhn) est juste');

const text = (min: number, max: number) => z.string().trim().min(min, `${min} caractères au moins`).max(max, `${max} caractères au plus`);

/** An address a service registers (return, notification): https, exact, without fragment; http for localhost outside production. */
export function isRegistrableUrl(value: string, allowLocalHttp: boolean): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.hash !== '') return false;
  if (url.protocol === 'https:') return true;
  return allowLocalHttp && url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const exactUrl = (allowLocalHttp: boolean) =>
  z
    .string()
    .refine(
      (value) => isRegistrableUrl(value, allowLocalHttp),
      allowLocalHttp ? 'adresse https exacte (http seulement pour localhost), sans fragment' : 'adresse https exacte, sans fragment',
    );

const publicJwks = z.object({
  keys: z
    .array(z.looseObject({ kty: z.string(), kid: z.string().optional() }))
    .min(1)
    .refine((keys) => keys.every((key) => !('d' in key)), 'le JWKS ne doit contenir que des clés publiques'),
});

const scopes = z
  .array(z.string())
  .min(1, 'au moins un scope')
  .refine((list) => new Set(list).size === list.length, 'scope en double')
  .superRefine((list, ctx) => {
    const unknown = list.filter((scope) => !isCatalogueScope(scope));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `scope hors catalogue : ${unknown.join(', ')}` });
  });

const organisationInput = z.object({ name: text(2, 200), siret });

const serviceProviderInput = (allowLocalHttp: boolean) =>
  z
    .object({
      siret,
      clientId: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3 à 64 caractères : minuscules, chiffres, point, tiret')
        .optional(),
      displayName: text(2, 200),
      procedureName: text(2, 200),
      redirectUris: z.array(exactUrl(allowLocalHttp)).min(1, 'au moins une URI de redirection'),
      postLogoutRedirectUris: z.array(exactUrl(allowLocalHttp)).default([]),
      webhookUrl: exactUrl(allowLocalHttp).optional(),
      environment: z.enum(['bac_a_sable', 'production']).default('production'),
      jwks: publicJwks.optional(),
      jwksUri: exactUrl(allowLocalHttp).optional(),
      clientSecret: z.string().min(32, '32 caractères au moins').optional(),
      clientSecretHash: z.string().startsWith('sha256$', 'format sha256$…').optional(),
    })
    .refine(
      (sp) => [sp.jwks, sp.jwksUri, sp.clientSecret ?? sp.clientSecretHash].filter((given) => given !== undefined).length <= 1,
      'un JWKS, une adresse de JWKS (private_key_jwt) ou un secret, un seul des trois',
    );

const habilitationInput = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3 à 64 caractères : minuscules, chiffres, point, tiret')
      .optional(),
    clientId: z.string().min(1),
    scopes,
    purpose: text(10, 500),
    legalBasis: text(5, 500),
    legalReference: text(3, 300),
    retentionDays: z.number().int().min(1, '1 jour au moins').max(3650, '10 ans au plus'),
    validFrom: z.number().int(),
    validUntil: z.number().int(),
    // Typed by operators (CLI, seed file): read as given, checked here against what each scope allows.
    derivations: z
      .unknown()
      .optional()
      .transform((value) => value ?? {})
      .pipe(derivationsSchema),
    callModes: z
      .unknown()
      .optional()
      .transform((value) => value ?? {})
      .pipe(callModesSchema),
  })
  // As DataPass has it: the DGFiP's data are given for the income years the habilitation names, at least one.
  .refine((h) => !h.scopes.some((scope) => scope.startsWith('dgfip_')) || h.scopes.some(isIncomeYearScope), {
    message:
      'les données fiscales demandent au moins une année de revenus (dgfip_annee_n_moins_1, dgfip_annee_n_moins_2 ou dgfip_annee_n_moins_2_si_indispo_n_moins_1)',
    path: ['scopes'],
  })
  .refine((h) => Object.keys(h.callModes).every((api) => apisFor(h.scopes).includes(api)), {
    message: 'un mode d’appel ne vaut que pour une API dont l’habilitation demande une donnée',
    path: ['callModes'],
  })
  .refine((h) => Object.keys(h.derivations).every((scope) => h.scopes.includes(scope)), {
    message: 'une réponse dérivée ne vaut que pour une donnée de l’habilitation',
    path: ['derivations'],
  })
  .refine((h) => h.validUntil > h.validFrom, { message: 'la fin de validité doit suivre le début', path: ['validUntil'] })
  .refine((h) => h.validUntil <= addMonths(h.validFrom, MAX_VALIDITY_MONTHS), {
    message: `validité de ${MAX_VALIDITY_MONTHS} mois au plus`,
    path: ['validUntil'],
  });

export type OrganisationInput = z.input<typeof organisationInput>;
export type ServiceProviderInput = z.input<ReturnType<typeof serviceProviderInput>>;
export type HabilitationInput = z.input<typeof habilitationInput>;

// How operators name each field, in the CLI's messages and the seed file's.
const FIELD_LABELS: Record<string, string> = {
  name: 'nom',
  siret: 'SIRET',
  clientId: 'client_id',
  displayName: 'nom affiché',
  procedureName: 'démarche',
  redirectUris: 'URI de redirection',
  postLogoutRedirectUris: 'URI après déconnexion',
  webhookUrl: 'adresse de notification',
  environment: 'environnement',
  jwks: 'JWKS',
  jwksUri: 'adresse du JWKS',
  clientSecret: 'secret',
  clientSecretHash: 'empreinte du secret',
  id: 'identifiant d’habilitation',
  scopes: 'scopes',
  purpose: 'finalité',
  legalBasis: 'cadre légal',
  legalReference: 'référence du cadre légal',
  retentionDays: 'durée de conservation',
  validUntil: 'fin de validité',
  derivations: 'réponses dérivées',
  callModes: 'modes d’appel',
};

function fieldName(path: PropertyKey[]): string {
  const [field, index] = path;
  const label = FIELD_LABELS[String(field)] ?? String(field);
  return typeof index === 'number' ? `${label} n° ${index + 1}` : label;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new RegistryError(
    result.error.issues.map((issue) => (issue.path.length > 0 ? `${fieldName(issue.path)} : ${issue.message}` : issue.message)).join('\n'),
  );
}

type ServiceProviderData = z.output<ReturnType<typeof serviceProviderInput>>;

/** The columns a service provider's registration sets, whether created or updated. */
const serviceProviderColumns = (data: ServiceProviderData, organisationId: string, secretHash: string | null) => ({
  organisation_id: organisationId,
  display_name: data.displayName,
  procedure_name: data.procedureName,
  auth_method: data.jwks || data.jwksUri ? ('private_key_jwt' as const) : ('client_secret_basic' as const),
  secret_hash: secretHash,
  jwks: data.jwks ? JSON.stringify(data.jwks) : null,
  jwks_uri: data.jwksUri ?? null,
  redirect_uris: JSON.stringify(data.redirectUris),
  post_logout_redirect_uris: JSON.stringify(data.postLogoutRedirectUris),
  webhook_url: data.webhookUrl ?? null,
  environment: data.environment,
});

export interface RegistryOptions {
  /** http://localhost redirect URIs are accepted outside production only. */
  allowLocalHttp: boolean;
  now?: () => number;
  /**
   * How long this node believes a service provider and its habilitation in force without reading them again
   * (LOOKUP_CACHE_MS); this registry's own changes are seen at once, another process's (the CLI's, another node's)
   * once it has passed. 0, the default, reads every time: the CLI and the seed always do.
   */
  lookupCacheMs?: number;
}

export type Registry = ReturnType<typeof createRegistry>;

/** Organisations, service providers and their habilitations: the operator's side of the product. */
export function createRegistry(db: Kysely<Database>, options: RegistryOptions) {
  const now = options.now ?? Date.now;
  const remembered = createLookupCache<{ value: unknown }>(options.lookupCacheMs ?? 0);
  /** The value read before, while the bound lasts (and never past `until` of the value, such as an end of validity). */
  const remember = async <T>(key: string, read: () => Promise<T>, until?: (value: T) => number | undefined): Promise<T> => {
    const known = remembered.get(key);
    if (known !== undefined) return known.value as T;
    const value = await read();
    remembered.set(key, { value }, until?.(value));
    return value;
  };
  /** Service providers and habilitations change rarely: any change on this node drops everything remembered. */
  const changed = () => remembered.deleteWhere(() => true);
  const findServiceProvider = (clientId: string) => remember(`sp:${clientId}`, () => serviceProviders.findServiceProvider(db, clientId));
  const activeHabilitation = (clientId: string) =>
    remember(
      `habilitation:${clientId}`,
      () => habilitations.findActiveHabilitation(db, clientId, now()),
      (habilitation) => habilitation?.valid_until,
    );

  const requireOrganisation = async (siretValue: string) => {
    const organisation = await organisations.findOrganisationBySiret(db, siretValue);
    if (organisation === undefined) throw new RegistryError(`aucune organisation de SIRET ${siretValue}`);
    return organisation;
  };
  const requireServiceProvider = async (clientId: string) => {
    const sp = await serviceProviders.findServiceProvider(db, clientId);
    if (sp === undefined) throw new RegistryError(`aucun fournisseur de service ${clientId}`);
    return sp;
  };
  const requireHabilitation = async (id: string) => {
    const habilitation = await habilitations.findHabilitation(db, id);
    if (habilitation === undefined) throw new RegistryError(`aucune habilitation ${id}`);
    return habilitation;
  };

  return {
    async createOrganisation(input: OrganisationInput) {
      const data = parse(organisationInput, input);
      if (await organisations.findOrganisationBySiret(db, data.siret)) throw new RegistryError(`une organisation de SIRET ${data.siret} existe déjà`);
      const row = { id: randomUUID(), siret: data.siret, name: data.name, created_at: now() };
      await organisations.insertOrganisation(db, row);
      return row;
    },

    /** Creates the organisation, or renames it when the SIRET is known (used by the seed file). */
    async upsertOrganisation(input: OrganisationInput) {
      const data = parse(organisationInput, input);
      const existing = await organisations.findOrganisationBySiret(db, data.siret);
      if (existing === undefined) return this.createOrganisation(data);
      if (existing.name !== data.name) await organisations.renameOrganisation(db, existing.id, data.name);
      return { ...existing, name: data.name };
    },

    listOrganisations: () => organisations.listOrganisations(db),
    findOrganisationBySiret: (siretValue: string) => organisations.findOrganisationBySiret(db, siretValue),
    findOrganisation: (id: string) => organisations.findOrganisation(db, id),

    /** Registers a service provider; the generated secret is returned once and only its hash is stored. */
    async createServiceProvider(input: ServiceProviderInput) {
      const data = parse(serviceProviderInput(options.allowLocalHttp), input);
      const organisation = await requireOrganisation(data.siret);
      const clientId = data.clientId ?? `sp-${randomBytes(6).toString('hex')}`;
      if (await serviceProviders.findServiceProvider(db, clientId)) throw new RegistryError(`le client_id ${clientId} existe déjà`);
      const generated = data.jwks || data.jwksUri || data.clientSecret || data.clientSecretHash ? undefined : generateClientSecret();
      const secret = data.clientSecret ?? generated;
      await serviceProviders.insertServiceProvider(db, {
        client_id: clientId,
        ...serviceProviderColumns(data, organisation.id, data.clientSecretHash ?? (secret === undefined ? null : hashClientSecret(secret))),
        previous_secret_hash: null,
        previous_secret_until: null,
        created_at: now(),
        updated_at: now(),
      });
      changed();
      return { clientId, clientSecret: generated };
    },

    /** Creates or updates a service provider from the seed file; its secret hash changes only if the secret did. */
    async upsertServiceProvider(input: ServiceProviderInput & { clientId: string }) {
      const data = parse(serviceProviderInput(options.allowLocalHttp), input);
      const existing = await serviceProviders.findServiceProvider(db, input.clientId);
      if (existing === undefined) return this.createServiceProvider(data);
      const organisation = await requireOrganisation(data.siret);
      const secretHash = data.clientSecretHash ?? (data.clientSecret === undefined ? null : hashClientSecret(data.clientSecret));
      // What the seed does not say is kept: credentials changed since (a renewal, keys at an address), the environment.
      const credentialsGiven = data.jwks !== undefined || data.jwksUri !== undefined || secretHash !== null;
      await serviceProviders.updateServiceProvider(db, input.clientId, {
        ...serviceProviderColumns(data, organisation.id, secretHash),
        ...(credentialsGiven
          ? { previous_secret_hash: null, previous_secret_until: null }
          : { auth_method: existing.auth_method, secret_hash: existing.secret_hash, jwks: existing.jwks, jwks_uri: existing.jwks_uri }),
        environment: input.environment ?? existing.environment,
        updated_at: now(),
      });
      changed();
      return { clientId: input.clientId, clientSecret: undefined };
    },

    listServiceProviders: () => serviceProviders.listServiceProviders(db),
    findServiceProvider,
    /** An organisation's service providers (its procedures). */
    serviceProvidersOf: (organisationId: string) => serviceProviders.listServiceProvidersOf(db, organisationId),

    /** What the service provider may ask now, or undefined without a habilitation in force. */
    async dataRequest(clientId: string, askedScopes: string[]): Promise<DataRequest | undefined> {
      const [sp, habilitation] = await Promise.all([findServiceProvider(clientId), activeHabilitation(clientId)]);
      return sp === undefined || habilitation === undefined ? undefined : dataRequestOf(sp, habilitation, askedScopes);
    },

    /** Sets where the service takes its events (notifications/), or, with undefined, stops telling it anything. */
    async setWebhookUrl(clientId: string, url: string | undefined) {
      await requireServiceProvider(clientId);
      const webhookUrl = url === undefined ? null : parse(exactUrl(options.allowLocalHttp), url);
      await serviceProviders.updateServiceProvider(db, clientId, { webhook_url: webhookUrl, updated_at: now() });
      changed();
      return webhookUrl;
    },

    /**
     * A new secret, returned once. The one it replaces keeps working until `previousUntil` (at most
     * MAX_SECRET_OVERLAP_DAYS from now), the time for the service to deploy the new one; without it, it stops at once.
     * A secret already in its overlap is dropped: two secrets at most are valid together.
     */
    async rotateSecret(clientId: string, previousUntil?: number) {
      const sp = await requireServiceProvider(clientId);
      if (sp.auth_method === 'private_key_jwt')
        throw new RegistryError(`${clientId} s’authentifie par clé (private_key_jwt) : pas de secret à renouveler`);
      if (previousUntil !== undefined && (previousUntil <= now() || previousUntil > now() + MAX_SECRET_OVERLAP_DAYS * DAY_MS))
        throw new RegistryError(`l’ancien secret reste valable entre maintenant et ${MAX_SECRET_OVERLAP_DAYS} jours au plus`);
      const secret = generateClientSecret();
      const overlap = previousUntil !== undefined && sp.secret_hash !== null;
      const replaced = await serviceProviders.replaceSecret(db, clientId, sp.secret_hash, {
        secret_hash: hashClientSecret(secret),
        previous_secret_hash: overlap ? sp.secret_hash : null,
        previous_secret_until: overlap ? previousUntil : null,
        updated_at: now(),
      });
      if (!replaced) throw new RegistryError(`le secret de ${clientId} vient d’être renouvelé par ailleurs : rouvrez la page du service`);
      changed();
      return { secret, previousUntil: overlap ? previousUntil : undefined };
    },

    /** Ends the previous secret's overlap now, once the service runs with the new one. */
    async endSecretOverlap(clientId: string) {
      const sp = await requireServiceProvider(clientId);
      if (sp.previous_secret_hash === null || (sp.previous_secret_until ?? 0) <= now())
        throw new RegistryError(`${clientId} n’a pas d’ancien secret encore valable`);
      await serviceProviders.updateServiceProvider(db, clientId, { previous_secret_hash: null, previous_secret_until: null, updated_at: now() });
      changed();
    },

    /**
     * From now on the service signs its authentication with its own keys (private_key_jwt), published at `jwksUri`
     * and read there by the authorization server (kept a minute, or as the address's cache headers say): it renews
     * them without asking anyone. Any secret stops at once.
     */
    async useKeysAt(clientId: string, jwksUri: string) {
      await requireServiceProvider(clientId);
      const uri = parse(exactUrl(options.allowLocalHttp), jwksUri);
      await serviceProviders.updateServiceProvider(db, clientId, {
        auth_method: 'private_key_jwt',
        jwks_uri: uri,
        jwks: null,
        secret_hash: null,
        previous_secret_hash: null,
        previous_secret_until: null,
        updated_at: now(),
      });
      changed();
      return uri;
    },

    async grantHabilitation(input: Omit<HabilitationInput, 'validFrom'> & { validFrom?: number }) {
      const data = parse(habilitationInput, { ...input, validFrom: input.validFrom ?? now() });
      await requireServiceProvider(data.clientId);
      const current = (await habilitations.listHabilitations(db, data.clientId)).find((h) => h.revoked_at === null && h.valid_until > now());
      if (current !== undefined) {
        throw new RegistryError(`${data.clientId} a déjà l’habilitation ${current.id} en cours : renouvelez-la ou révoquez-la d’abord`);
      }
      const id = data.id ?? `hab-${randomBytes(6).toString('hex')}`;
      if (await habilitations.findHabilitation(db, id)) throw new RegistryError(`l’habilitation ${id} existe déjà`);
      const row: HabilitationTable = {
        id,
        client_id: data.clientId,
        scopes: JSON.stringify(data.scopes),
        purpose: data.purpose,
        legal_basis: data.legalBasis,
        legal_reference: data.legalReference,
        retention_days: data.retentionDays,
        valid_from: data.validFrom,
        valid_until: data.validUntil,
        revoked_at: null,
        created_at: now(),
        derivations: Object.keys(data.derivations).length === 0 ? null : JSON.stringify(data.derivations),
        call_modes: Object.keys(data.callModes).length === 0 ? null : JSON.stringify(data.callModes),
      };
      await habilitations.insertHabilitation(db, row);
      changed();
      return row;
    },

    /** Rewrites a seed habilitation's terms; its dates and revocation are left as they are. */
    async upsertHabilitation(input: HabilitationInput & { id: string }) {
      const existing = await habilitations.findHabilitation(db, input.id);
      if (existing === undefined) return this.grantHabilitation(input);
      const data = parse(habilitationInput, { ...input, validFrom: existing.valid_from, validUntil: existing.valid_until });
      await habilitations.updateHabilitation(db, input.id, {
        scopes: JSON.stringify(data.scopes),
        purpose: data.purpose,
        legal_basis: data.legalBasis,
        legal_reference: data.legalReference,
        retention_days: data.retentionDays,
        derivations: Object.keys(data.derivations).length === 0 ? null : JSON.stringify(data.derivations),
        call_modes: Object.keys(data.callModes).length === 0 ? null : JSON.stringify(data.callModes),
      });
      changed();
      return { ...existing, scopes: JSON.stringify(data.scopes) };
    },

    /** Extends to the given date, at most 18 months from today. */
    async renewHabilitation(id: string, validUntil = addMonths(now(), MAX_VALIDITY_MONTHS)) {
      const habilitation = await requireHabilitation(id);
      if (habilitation.revoked_at !== null) throw new RegistryError(`l’habilitation ${id} est révoquée : accordez-en une nouvelle`);
      if (validUntil <= now()) throw new RegistryError('la nouvelle fin de validité doit être dans le futur');
      if (validUntil > addMonths(now(), MAX_VALIDITY_MONTHS))
        throw new RegistryError(`un renouvellement va jusqu’à ${MAX_VALIDITY_MONTHS} mois au plus à partir d’aujourd’hui`);
      await habilitations.updateHabilitation(db, id, { valid_until: validUntil });
      changed();
      return { ...habilitation, valid_until: validUntil };
    },

    async revokeHabilitation(id: string) {
      const habilitation = await requireHabilitation(id);
      if (habilitation.revoked_at !== null) throw new RegistryError(`l’habilitation ${id} est déjà révoquée`);
      const revokedAt = now();
      await habilitations.updateHabilitation(db, id, { revoked_at: revokedAt });
      changed();
      return { ...habilitation, revoked_at: revokedAt };
    },

    /** What would stop a habilitation with these terms from being granted now, in the operators' words; none when it can be. */
    habilitationTermsProblems(input: Omit<HabilitationInput, 'clientId' | 'validFrom' | 'validUntil'>): string[] {
      // One reading of the clock: read twice, a millisecond between them made the longest term one too long.
      const at = now();
      try {
        parse(habilitationInput, { ...input, clientId: '-', validFrom: at, validUntil: addMonths(at, MAX_VALIDITY_MONTHS) });
        return [];
      } catch (error) {
        return error instanceof RegistryError ? error.message.split('\n') : [String(error)];
      }
    },

    listHabilitations: (clientId?: string) => habilitations.listHabilitations(db, clientId),
    /** Drops what this node remembers: after a change made through another registry (one inside a transaction). */
    forget: changed,
    /** Habilitations in force now that end within the given time. */
    habilitationsEndingWithin: (ms: number) => habilitations.listEndingBy(db, now(), now() + ms),
    findHabilitation: (id: string) => habilitations.findHabilitation(db, id),

    /** Authorises an agent (by the e-mail of their ProConnect account) for an organisation; updates the role if known. */
    async addAgent(input: { siret: string; email: string; role: string }) {
      const data = parse(
        z.object({
          siret,
          email: z.email('adresse électronique invalide'),
          role: z.enum(['lecteur', 'administrateur'], 'rôle : lecteur ou administrateur'),
        }),
        input,
      );
      const organisation = await requireOrganisation(data.siret);
      const existing = await findAgent(db, organisation.id, data.email);
      if (existing !== undefined) {
        if (existing.role !== data.role) await db.updateTable('agent').set({ role: data.role }).where('id', '=', existing.id).execute();
        return { ...existing, role: data.role };
      }
      const row = {
        id: randomUUID(),
        email: data.email.toLowerCase(),
        organisation_id: organisation.id,
        role: data.role,
        proconnect_sub: null,
        created_at: now(),
      };
      await insertAgent(db, row);
      return row;
    },

    async removeAgent(input: { siret: string; email: string }) {
      const organisation = await requireOrganisation(parse(siret, input.siret));
      const result = await deleteAgentByEmail(db, organisation.id, input.email);
      if (Number(result.numDeletedRows) === 0) throw new RegistryError(`aucun agent ${input.email} dans ${organisation.name}`);
    },

    async listAgents(siretValue: string) {
      return listAgents(db, (await requireOrganisation(parse(siret, siretValue))).id);
    },
    activeHabilitation,
  };
}
