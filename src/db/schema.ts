import type { Generated } from 'kysely';

/**
 * Tables as the application sees them. Timestamps are epoch milliseconds in BIGINT columns and JSON is TEXT,
 * so that SQLite and PostgreSQL behave the same.
 */
export interface SessionTable {
  sid: string;
  data: string;
  expires_at: number;
}

export interface OrganisationTable {
  id: string;
  siret: string;
  name: string;
  created_at: number;
}

/**
 * Where a service runs: « bac à sable », served by the test platforms (FranceConnect's integration platform, the data
 * providers' test ones: test identities, fictitious data), or production. A service never moves from one to the other:
 * production is another service, given on a second approval.
 */
export type ServiceEnvironment = 'bac_a_sable' | 'production';

export type HabilitationRequestKind = 'initiale' | 'production' | 'prolongation';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ServiceProviderTable {
  client_id: string;
  organisation_id: string;
  display_name: string;
  procedure_name: string;
  auth_method: ClientAuthMethod;
  secret_hash: string | null;
  /** The secret renewed last, still accepted until previous_secret_until (epoch ms): the service's overlap to deploy the new one. */
  previous_secret_hash: string | null;
  previous_secret_until: number | null;
  jwks: string | null;
  /** Where the service publishes its public keys (private_key_jwt), read by the authorization server; or jwks, or neither. */
  jwks_uri: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  created_at: number;
  updated_at: number;
  /** Where the service provider takes its events (notifications/), https; null: it is told nothing. */
  webhook_url: string | null;
  environment: ServiceEnvironment;
}

export interface HabilitationTable {
  id: string;
  client_id: string;
  scopes: string;
  purpose: string;
  legal_basis: string;
  legal_reference: string;
  retention_days: number;
  valid_from: number;
  valid_until: number;
  revoked_at: number | null;
  created_at: number;
  /** JSON: per scope, the derived answer sent instead of the raw value (catalogue/derivations.ts); null for none. */
  derivations: string | null;
  /** JSON: per API, how it is asked, identity or FranceConnect (catalogue/call-modes.ts); null for each API's default. */
  call_modes: string | null;
}

export interface ConsentTable {
  id: string;
  citizen_sub: string;
  client_id: string;
  habilitation_id: string;
  scopes: string;
  decision: 'transmitted' | 'refused';
  grant_id: string | null;
  decided_at: number;
}

export interface OidcPayloadTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface SigningKeyTable {
  kid: string;
  private_jwk: string;
  created_at: number;
}

/** A transmitted justificatif: its signed content is stored encrypted (AES-256-GCM), never in clear. */
export interface JustificatifTable {
  id: string;
  consent_id: string;
  client_id: string;
  grant_id: string;
  citizen_sub: string;
  issued_at: number;
  retention_until: number;
  /** Emptied by the retention purge; the tombstone (ids, dates, content_hash) stays. */
  sealed: string | null;
  /** Short number printed on the justificatif and typed at /verifier (PP-2026-XXXX-XXXX). */
  reference: string | null;
  /** SHA-256 of the signed content, kept after the purge so that the journal stays verifiable. */
  content_hash: string | null;
  /**
   * The person, for the organisation's agents, encrypted: JSON { prenoms, nom, naissance } (justificatif/person.ts);
   * before migration 008 the name alone. Emptied with the data.
   */
  citizen_name_sealed: string | null;
  purged_at: number | null;
  /** What was obtained: every item, some, or none (justificatif/document.ts, Completeness); null before migration 007. */
  outcome: 'all' | 'some' | 'none' | null;
  /** Set when the citizen withdrew it: data erased, tokens revoked. */
  withdrawn_at: number | null;
  /** The citizen's signed receipt (JWS), encrypted; kept after erasure. */
  receipt_sealed: string | null;
}

export interface WithdrawnTokenTable {
  token_hash: string;
  justificatif_id: string;
  withdrawn_at: number;
}

export interface JournalEntryTable {
  seq: number;
  at: number;
  type: string;
  actor: string;
  organisation_id: string | null;
  subject: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export interface AgentTable {
  id: string;
  email: string;
  organisation_id: string;
  role: 'lecteur' | 'administrateur';
  proconnect_sub: string | null;
  created_at: number;
  /** As ProConnect gave them at the agent's last sign-in; null until the first. */
  given_name: string | null;
  usual_name: string | null;
  last_signed_in_at: number | null;
  /** 1 when the agent asked for a daily e-mail of the justificatifs received. */
  daily_digest: Generated<number>;
  digest_sent_at: number | null;
}

/** Keyed digests (crypto/blind-index.ts) of the words of a justificatif's person and birth date; erased with the data. */
export interface JustificatifSearchTable {
  term: string;
  justificatif_id: string;
}

/** Which agent has opened which justificatif: what the « non lu » markers and counts are made of. */
export interface JustificatifReadingTable {
  agent_id: string;
  justificatif_id: string;
  read_at: number;
}

/** Keyed digests of the identity pivot of the other people a transmitted answer names; erased with the data. */
export interface JustificatifConcernedTable {
  term: string;
  justificatif_id: string;
}

/**
 * The outbox of events for service providers (notifications/event-outbox.ts): written in the transaction of what
 * happened, delivered after, retried with growing delays until delivered or given up.
 */
export interface SpEventTable {
  /** Also the `jti` of the signed event: a receiver drops one it has seen. */
  id: string;
  client_id: string;
  type: string;
  /** JSON: the event's own claims, nothing personal. */
  data: string;
  occurred_at: number;
  attempts: Generated<number>;
  /** When the next attempt is due; null once delivered or given up. */
  next_attempt_at: number | null;
  delivered_at: number | null;
  abandoned_at: number | null;
  /** The last attempt's result in words: « HTTP 202 », « HTTP 500 », « délai dépassé »… */
  last_outcome: string | null;
}

/** A notice of a habilitation's coming end already given: one per end date and per number of days before it. */
export interface HabilitationNoticeTable {
  habilitation_id: string;
  valid_until: number;
  days_before: number;
  noticed_at: number;
  /** When the e-mail to the request's contacts left; null until then (or when there is nobody to write to). */
  mailed_at: number | null;
}

/** The states of a habilitation request (onboarding/request-states.ts says which step leads where). */
export type HabilitationRequestState = 'brouillon' | 'soumise' | 'modifications_demandees' | 'validee' | 'refusee';

/** A service's request for a habilitation, as its staff fill it in and the portal's instructors decide it. */
export interface HabilitationRequestTable {
  id: string;
  /** What people quote: « DH-7K3M-Q9TD ». */
  number: string;
  siret: string;
  organisation_name: string;
  requester_sub: string;
  requester_email: string;
  requester_name: string;
  state: HabilitationRequestState;
  /**
   * A first request (approved: a service in « bac à sable »), the passage into production of the service in « bac à
   * sable » `client_id` names (approved: a production service, `client_id` then naming it), or the prolongation of
   * the habilitation `habilitation_id` names.
   */
  kind: Generated<HabilitationRequestKind>;
  /** JSON: the form's fields (onboarding/request-form.ts). */
  form: string;
  /** Once approved: the service provider and the habilitation it created. */
  client_id: string | null;
  /** A passage into production: the service in « bac à sable » it comes from. */
  source_client_id: string | null;
  habilitation_id: string | null;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  decided_at: number | null;
}

/** One step of a request's history, with the message that came with it, if any. */
export interface HabilitationRequestEventTable {
  id: string;
  request_id: string;
  at: number;
  author_role: 'demandeur' | 'instructeur';
  author_name: string;
  action: 'creee' | 'soumise' | 'modifications_demandees' | 'validee' | 'refusee' | 'message';
  message: string | null;
}

/** The portal's instructors by the e-mail of their ProConnect account (besides INSTRUCTOR_EMAILS). */
export interface InstructorTable {
  email: string;
  added_at: number;
}

/** A new service's secret, sealed, until its requester has seen it once: then the row is deleted. */
export interface CredentialHandoverTable {
  request_id: string;
  client_id: string;
  secret_sealed: string;
  created_at: number;
}

export interface Database {
  session: SessionTable;
  organisation: OrganisationTable;
  service_provider: ServiceProviderTable;
  habilitation: HabilitationTable;
  consent: ConsentTable;
  oidc_payload: OidcPayloadTable;
  signing_key: SigningKeyTable;
  justificatif: JustificatifTable;
  journal_entry: JournalEntryTable;
  agent: AgentTable;
  withdrawn_token: WithdrawnTokenTable;
  justificatif_search: JustificatifSearchTable;
  justificatif_reading: JustificatifReadingTable;
  justificatif_concerned: JustificatifConcernedTable;
  sp_event: SpEventTable;
  habilitation_notice: HabilitationNoticeTable;
  habilitation_request: HabilitationRequestTable;
  habilitation_request_event: HabilitationRequestEventTable;
  instructor: InstructorTable;
  credential_handover: CredentialHandoverTable;
}
