import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConsentTable, Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import { type Completeness, completenessOf } from '../justificatif/document.js';
import type { Justificatifs } from '../justificatif/justificatifs.js';
import type { Person } from '../justificatif/person.js';
import type { DataRequest } from '../registry/data-request.js';
import { personsNamedIn } from '../sources/household.js';
import { requestedItems } from '../sources/items.js';
import type { SourceOutcome } from '../sources/source-fetcher.js';
import { findConsent, insertConsent, listConsentsOf } from './consent.repository.js';

/** The authorization server's part, behind a port: a grant of these scopes to this client for this citizen. */
export interface GrantIssuer {
  issue(citizenSub: string, clientId: string, scopes: string[]): Promise<string>;
}

export type Decision = 'transmitted' | 'refused';

export interface Decided {
  decision: Decision;
  consentId: string;
  /** The grant the service provider's code will carry; none after a refusal. */
  grantId: string | undefined;
  /** What the justificatif says: its number, what it obtained (how many items), and the items it could not obtain. */
  justificatif: { id: string; reference: string; outcome: Completeness; obtained: number; missing: string[] } | undefined;
}

export interface TransmissionDependencies {
  db: Kysely<Database>;
  grants: GrantIssuer;
  justificatifs: Pick<Justificatifs, 'issue'>;
  journal: Journal;
  now?: () => number;
}

export type Consent = ConsentTable;

/**
 * The citizen's decision on a request, and what it sets going: a transmission grants the service provider the
 * scopes and freezes what the citizen saw into a signed justificatif; a refusal grants nothing. The consent, the
 * justificatif and the journal entry are written in one transaction: never one without the others.
 */
export function createTransmissions({ db, grants, justificatifs, journal, now = Date.now }: TransmissionDependencies) {
  return {
    async decide(input: {
      request: DataRequest;
      citizen: { sub: string; person: Person };
      /** What the citizen saw in the preview; a transmission needs it. */
      outcomes: SourceOutcome[] | undefined;
      decision: Decision;
    }): Promise<Decided> {
      const { request, citizen, decision } = input;
      if (decision === 'transmitted' && input.outcomes === undefined) throw new Error('transmission sans aperçu');
      const consentId = randomUUID();
      // oidc-provider stores the grant through its own adapter, outside this transaction; a grant left behind by a
      // failed transaction is never handed to the service provider and expires with oidc-provider's other records.
      const grantId = decision === 'transmitted' ? await grants.issue(citizen.sub, request.clientId, request.scopes) : undefined;
      const justificatif = await db.transaction().execute(async (trx) => {
        await insertConsent(trx, {
          id: consentId,
          citizen_sub: citizen.sub,
          client_id: request.clientId,
          habilitation_id: request.habilitationId,
          scopes: JSON.stringify(request.scopes),
          decision,
          grant_id: grantId ?? null,
          decided_at: now(),
        });
        const issued =
          grantId === undefined || input.outcomes === undefined
            ? undefined
            : await justificatifs.issue(
                {
                  request,
                  consentId,
                  grantId,
                  citizenSub: citizen.sub,
                  person: citizen.person,
                  // Whom the answers of the items transmitted name: the household the transmission also concerns.
                  household: input.outcomes.filter((outcome) => outcome.status === 'ok').flatMap((outcome) => personsNamedIn(outcome.data)),
                  items: requestedItems(request.scopes, input.outcomes, request.derivations),
                },
                trx,
              );
        await journal.append(
          {
            type: `consent.${decision}`,
            actor: `citizen:${citizen.sub}`,
            organisationId: request.organisation.id,
            subject: `consent:${consentId}`,
            data: {
              clientId: request.clientId,
              procedure: request.procedure,
              habilitationId: request.habilitationId,
              scopes: request.scopes,
              justificatifId: issued?.document.id ?? null,
              statuses: issued?.document.elements.map((e) => [e.scope, e.statut]) ?? [],
            },
          },
          trx,
        );
        if (issued === undefined) return undefined;
        const { document } = issued;
        return {
          id: document.id,
          reference: issued.reference,
          outcome: completenessOf(document.elements),
          obtained: document.elements.filter((element) => element.statut === 'disponible').length,
          missing: document.elements.filter((element) => element.statut !== 'disponible').map((element) => element.libelle),
        };
      });
      return { decision, consentId, grantId, justificatif };
    },

    /** A citizen's decisions, newest first. */
    consentsOf: (citizenSub: string): Promise<Consent[]> => listConsentsOf(db, citizenSub),

    findConsent: (id: string): Promise<Consent | undefined> => findConsent(db, id),
  };
}

export type Transmissions = ReturnType<typeof createTransmissions>;
