import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BlindIndex } from '../crypto/blind-index.js';
import type { DataCipher, SealedPlace } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import type { Database, JustificatifTable } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import type { EventOutbox } from '../notifications/event-outbox.js';
import type { DataRequest } from '../registry/data-request.js';
import type { Signer, Verifier } from '../signing/jws.js';
import { type NamedPerson, pivotOf } from '../sources/household.js';
import type { RequestedItem } from '../sources/items.js';
import { DAY_MS } from '../wording/dates.fr.js';
import { nameWords } from '../wording/name-words.js';
import { buildJustificatif, type Completeness, completenessOf, documentOf, type JustificatifDocument } from './document.js';
import type { AgentListState, ListFilters } from './justificatif.repository.js';
import * as repository from './justificatif.repository.js';
import { type Person, personJson, personOf } from './person.js';
import {
  erasureReceipt,
  parseSignedReceipts,
  type SignedReceipts,
  type TransmissionReceipt,
  transmissionReceipt,
  transmissionReceiptOf,
} from './receipt.js';
import { newReference } from './reference.js';
import type { PersonSearch } from './search-terms.js';

/**
 * What the authorization server does for a withdrawal, behind a port: justificatif/ never writes oidc-provider's
 * storage itself.
 */
export interface GrantRevocation {
  /** In the caller's transaction: removes the grant with its codes and tokens; returns the access tokens removed. */
  /** Revokes every code and token of the grant; returns the digests (tokenDigest) of its access tokens. */
  revokeGrant(grantId: string, within: Kysely<Database>): Promise<string[]>;
  /** After the commit: the authorization server forgets whatever it still keeps of the grant. */
  forgetGrant(grantId: string): Promise<void>;
}

export interface JustificatifsDependencies {
  db: Kysely<Database>;
  cipher: DataCipher;
  sign: Signer;
  verify: Verifier;
  journal: Journal;
  /** The `sujet` of a justificatif: the `sub` its service provider knows the citizen by. */
  pairwiseSubject: (clientId: string, accountId: string) => string;
  portalUrl: string;
  grants: GrantRevocation;
  /** What a person's name and birth date are found by, without the database holding them in clear. */
  blindIndex: BlindIndex;
  /** Where the service provider's events wait to leave: a withdrawal is told to the service that received the data. */
  events: Pick<EventOutbox, 'record' | 'deliverSoon'>;
  now?: () => number;
}

/** A justificatif as pages and the data API know it: its number, dates and state, never its content. */
export interface Justificatif {
  id: string;
  consentId: string;
  clientId: string;
  citizenSub: string;
  reference: string;
  issuedAt: number;
  retentionUntil: number;
  /** Every item obtained, some, or none; unknown for justificatifs issued before it was recorded. */
  outcome: Completeness | undefined;
  state: 'active' | 'withdrawn' | 'expired';
  withdrawnAt: number | null;
  purgedAt: number | null;
}

/** A stored justificatif's content, checked: still there and unaltered (same hash, valid signature), or why not. */
export type OpenedJustificatif =
  | { state: 'expired' }
  | { state: 'withdrawn'; at: number }
  | { state: 'altered' }
  | { state: 'valid'; document: JustificatifDocument; jws: string; person: Person };

/** A justificatif as its service provider reads it through the data API. */
export type ServedJustificatif = { state: 'valid'; jws: string; document: JustificatifDocument } | { state: 'withdrawn'; at: number };

/** A search of some service providers' justificatifs, as an organisation's agent asks it. */
export interface JustificatifSearch {
  clientIds: string[];
  from?: number;
  to?: number;
  state?: AgentListState;
  person?: PersonSearch;
  /** Says which rows this agent has opened; with `onlyUnread`, lists only the others. */
  reader?: { agentId: string; since: number; onlyUnread: boolean };
}

/** A row of an agent's list: the person (while the data are kept) and whether this agent has opened it. */
export interface ListedJustificatif {
  justificatif: Justificatif;
  person: Person | undefined;
  read: boolean;
}

export interface Receipts {
  transmission: TransmissionReceipt;
  signed: SignedReceipts;
}

export const LIST_PAGE_SIZE = 20;
/** The most rows one export holds: a year of a large town's canteen, more than anyone sorts by hand. */
export const EXPORT_MAX_ROWS = 10_000;

const JUSTIFICATIF_TYP = 'justificatif+jwt';
const RECEIPT_TYP = 'receipt+jwt';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Each sealed column of a justificatif's row, bound to that row. */
const placeOf = (column: 'sealed' | 'citizen_name_sealed' | 'receipt_sealed', id: string): SealedPlace => ({
  table: 'justificatif',
  column,
  row: id,
});

const toJustificatif = (
  row: Omit<JustificatifTable, 'sealed' | 'content_hash' | 'citizen_name_sealed' | 'receipt_sealed' | 'grant_id'>,
): Justificatif => ({
  id: row.id,
  consentId: row.consent_id,
  clientId: row.client_id,
  citizenSub: row.citizen_sub,
  reference: row.reference ?? '',
  issuedAt: row.issued_at,
  retentionUntil: row.retention_until,
  outcome: row.outcome ?? undefined,
  state: row.withdrawn_at !== null ? 'withdrawn' : row.purged_at !== null ? 'expired' : 'active',
  withdrawnAt: row.withdrawn_at,
  purgedAt: row.purged_at,
});

const personOpener = (cipher: DataCipher) => (id: string, sealed: string) => personOf(cipher.decrypt(sealed, placeOf('citizen_name_sealed', id)));

/** The same for pages and lists, which show what they can: a row that no longer decrypts shows no person. */
const personReader = (cipher: DataCipher) => {
  const openPerson = personOpener(cipher);
  return (id: string, sealed: string): Person | undefined => {
    try {
      return openPerson(id, sealed);
    } catch {
      return undefined;
    }
  };
};

/** The digests a person is found by among one service provider's justificatifs: each word of the name, the birth date. */
const searchTermsOf = (blindIndex: BlindIndex, clientId: string, person: Person) => [
  ...nameWords(`${person.givenNames} ${person.familyName}`).map((word) => blindIndex(clientId, 'nom', word)),
  ...(person.birthDate === undefined ? [] : [blindIndex(clientId, 'naissance', person.birthDate)]),
];

/** How many of these service providers' justificatifs an agent has not opened, among those issued since `since`. */
export const countUnread = (db: Kysely<Database>, clientIds: string[], reader: { agentId: string; since: number }): Promise<number> =>
  repository.count(db, { clientIds, unreadBy: reader });

/**
 * The digests by which the other people the sources' answers named find the transmission in their own space: what
 * left concerns the household (a bracket of the QF concerns the co-allocataire too), the citizen left out. One scope
 * for every service provider: a person is matched wherever they are named.
 */
const concernedTermsOf = (blindIndex: BlindIndex, household: NamedPerson[], citizen: Person) => {
  const self = pivotOf(citizen);
  const pivots = household.map(pivotOf);
  return [...new Set(pivots)]
    .filter((pivot): pivot is string => pivot !== undefined && pivot !== self)
    .map((pivot) => blindIndex('foyer', 'personne', pivot));
};

/** Indexes for search the justificatifs issued before the search existed; run at start, idempotent. */
export async function indexForSearch({ db, cipher, blindIndex }: Pick<JustificatifsDependencies, 'db' | 'cipher' | 'blindIndex'>): Promise<number> {
  const readablePerson = personReader(cipher);
  let indexed = 0;
  for (const row of await repository.listUnindexed(db)) {
    // A row that no longer decrypts is left out: its page says it was altered, and the portal still starts.
    const person = row.citizen_name_sealed === null ? undefined : readablePerson(row.id, row.citizen_name_sealed);
    if (person === undefined) continue;
    await repository.insertDigests(db, 'justificatif_search', row.id, searchTermsOf(blindIndex, row.client_id, person));
    indexed += 1;
  }
  return indexed;
}

/**
 * The justificatif's one owner: issuing (signed, encrypted, with the citizen's signed receipt), reading it back for
 * its service provider, opening and checking it for agents and /verifier, listing it, withdrawing it. Nothing else
 * touches its table.
 */
export function createJustificatifs({
  db,
  cipher,
  sign,
  verify,
  journal,
  pairwiseSubject,
  portalUrl,
  grants,
  blindIndex,
  events,
  now = Date.now,
}: JustificatifsDependencies) {
  const openPerson = personOpener(cipher);
  const readablePerson = personReader(cipher);

  /** The repository's filters for a search: a person's words and birth date become their digests, one per provider. */
  const filtersOf = ({ person, reader, ...search }: JustificatifSearch): ListFilters => {
    const digests = (kind: string, value: string) => search.clientIds.map((clientId) => blindIndex(clientId, kind, value));
    return {
      ...search,
      reference: person !== undefined && 'reference' in person ? person.reference : undefined,
      terms:
        person === undefined || 'reference' in person
          ? undefined
          : [
              ...person.words.map((word) => digests('nom', word)),
              ...(person.birthDate === undefined ? [] : [digests('naissance', person.birthDate)]),
            ],
      unreadBy: reader?.onlyUnread ? reader : undefined,
    };
  };

  const listed = async (rows: Awaited<ReturnType<typeof repository.listPage>>, reader: JustificatifSearch['reader']) => {
    const read =
      reader === undefined
        ? new Set<string>()
        : await repository.readAmong(
            db,
            reader.agentId,
            rows.map((row) => row.id),
          );
    return rows.map(
      (row): ListedJustificatif => ({
        justificatif: toJustificatif(row),
        person: row.citizen_name_sealed === null ? undefined : readablePerson(row.id, row.citizen_name_sealed),
        // What arrived before the agent was authorised, or is no longer there to open, is not « new » to them.
        read: read.has(row.id) || reader === undefined || row.issued_at < reader.since || row.withdrawn_at !== null || row.purged_at !== null,
      }),
    );
  };

  const signedReceipts = async (id: string): Promise<SignedReceipts | undefined> => {
    const sealed = (await repository.findSealed(db, id))?.receipt_sealed;
    return sealed === null || sealed === undefined ? undefined : parseSignedReceipts(cipher.decrypt(sealed, placeOf('receipt_sealed', id)));
  };

  return {
    /** Signs and stores the justificatif and its receipt; `within` puts them in the caller's transaction. */
    async issue(
      input: {
        request: DataRequest;
        consentId: string;
        grantId: string;
        citizenSub: string;
        person: Person;
        items: RequestedItem[];
        /** The people the sources' answers named: who the transmission also concerns. */
        household?: NamedPerson[];
      },
      within: Kysely<Database> = db,
    ): Promise<{ document: JustificatifDocument; reference: string }> {
      const { request } = input;
      const issuedAt = Date.now();
      const reference = newReference(new Date(issuedAt));
      const document = buildJustificatif({
        id: randomUUID(),
        reference,
        issuedAt,
        request,
        subject: pairwiseSubject(request.clientId, input.citizenSub),
        items: input.items,
      });
      const jws = await sign(
        { ...document },
        { typ: JUSTIFICATIF_TYP, jti: document.id, issuedAt, audience: request.clientId, subject: document.sujet },
      );
      const receipt = transmissionReceipt(document, reference, portalUrl);
      const receiptJws = await sign(receipt, { typ: RECEIPT_TYP, jti: receipt.recu_id, issuedAt });
      await repository.insertJustificatif(within, {
        id: document.id,
        consent_id: input.consentId,
        client_id: request.clientId,
        grant_id: input.grantId,
        citizen_sub: input.citizenSub,
        issued_at: issuedAt,
        retention_until: issuedAt + request.retentionDays * DAY_MS,
        sealed: cipher.encrypt(jws, placeOf('sealed', document.id)),
        reference,
        content_hash: sha256(jws),
        citizen_name_sealed: cipher.encrypt(personJson(input.person), placeOf('citizen_name_sealed', document.id)),
        purged_at: null,
        outcome: completenessOf(document.elements),
        withdrawn_at: null,
        receipt_sealed: cipher.encrypt(JSON.stringify({ transmission: receiptJws } satisfies SignedReceipts), placeOf('receipt_sealed', document.id)),
      });
      await repository.insertDigests(within, 'justificatif_search', document.id, searchTermsOf(blindIndex, request.clientId, input.person));
      await repository.insertDigests(
        within,
        'justificatif_concerned',
        document.id,
        concernedTermsOf(blindIndex, input.household ?? [], input.person),
      );
      return { document, reference };
    },

    /**
     * What a service provider reads with its token's grant, for that client only: the signed justificatif, or when
     * the citizen withdrew it (which the row says on every node at once, whatever a node still believes of the
     * token), or nothing (none issued, purged).
     */
    async forServiceProvider(grantId: string, clientId: string): Promise<ServedJustificatif | undefined> {
      const row = await repository.findByGrant(db, grantId, clientId);
      if (row?.withdrawn_at != null) return { state: 'withdrawn', at: row.withdrawn_at };
      if (row === undefined || row.sealed === null) return undefined;
      const jws = cipher.decrypt(row.sealed, placeOf('sealed', row.id));
      return { state: 'valid', jws, document: documentOf(jws) };
    },

    /** When the citizen withdrew the justificatif a revoked access token opened, and for which service, if that is why it is unknown. */
    async withdrawnToken(accessToken: string): Promise<{ at: number; clientId: string } | undefined> {
      const found = await repository.findWithdrawnToken(db, tokenDigest(accessToken));
      return found === undefined ? undefined : { at: found.withdrawn_at, clientId: found.client_id };
    },

    async find(reference: string): Promise<Justificatif | undefined> {
      const row = await repository.findByReference(db, reference);
      return row === undefined ? undefined : toJustificatif(row);
    },

    /** Decrypts and checks one justificatif: still there, unaltered (same hash, valid signature), or neither. */
    async open(justificatif: Justificatif): Promise<OpenedJustificatif> {
      if (justificatif.withdrawnAt !== null) return { state: 'withdrawn', at: justificatif.withdrawnAt };
      const sealed = await repository.findSealed(db, justificatif.id);
      if (sealed?.sealed == null) return { state: 'expired' };
      let jws: string;
      let person: Person;
      try {
        jws = cipher.decrypt(sealed.sealed, placeOf('sealed', justificatif.id));
        person =
          sealed.citizen_name_sealed === null
            ? { givenNames: '', familyName: '', birthDate: undefined }
            : openPerson(justificatif.id, sealed.citizen_name_sealed);
      } catch {
        return { state: 'altered' };
      }
      if ((sealed.content_hash !== null && sha256(jws) !== sealed.content_hash) || !(await verify(jws, JUSTIFICATIF_TYP)))
        return { state: 'altered' };
      return { state: 'valid', jws, document: documentOf(jws), person };
    },

    /** One page of the justificatifs of some service providers (an organisation's), newest first, and how many in all. */
    async list(search: JustificatifSearch, page: number): Promise<{ rows: ListedJustificatif[]; total: number }> {
      const filters = filtersOf(search);
      const [rows, total] = await Promise.all([repository.listPage(db, filters, page, LIST_PAGE_SIZE), repository.count(db, filters)]);
      return { rows: await listed(rows, search.reader), total };
    },

    /** Every row of a search, up to EXPORT_MAX_ROWS, newest first: what a CSV export holds. */
    async listForExport(search: JustificatifSearch): Promise<{ rows: ListedJustificatif[]; total: number }> {
      const filters = filtersOf(search);
      const [rows, total] = await Promise.all([repository.listPage(db, filters, 1, EXPORT_MAX_ROWS), repository.count(db, filters)]);
      return { rows: await listed(rows, search.reader), total };
    },

    /** How many justificatifs this agent has not opened yet: the count in the agents' header. */
    unreadCount: (search: Pick<JustificatifSearch, 'clientIds'>, reader: { agentId: string; since: number }) =>
      countUnread(db, search.clientIds, reader),

    /** The printed numbers of these justificatifs, by id: how the journal's pages name them. */
    async referencesOf(ids: string[]): Promise<Map<string, string>> {
      return new Map((await repository.referencesOf(db, [...new Set(ids)])).map((row) => [row.id, row.reference ?? '']));
    },

    /** The justificatifs another citizen transmitted whose answers name this person, newest first. */
    async concerning(person: Person, citizenSub: string): Promise<Justificatif[]> {
      const pivot = pivotOf(person);
      return pivot === undefined ? [] : (await repository.listConcerning(db, blindIndex('foyer', 'personne', pivot), citizenSub)).map(toJustificatif);
    },

    /** The agent opened (or printed) it: no longer « non lu » for them. */
    markRead: (justificatif: Pick<Justificatif, 'id'>, agentId: string) => repository.markRead(db, agentId, justificatif.id, now()),

    /** The justificatifs issued with these consents, by consent. */
    async ofConsents(consentIds: string[]): Promise<Map<string, Justificatif>> {
      return new Map((await repository.listByConsents(db, consentIds)).map((row) => [row.consent_id, toJustificatif(row)]));
    },

    /** The citizen's receipts of a justificatif: the transmission's (also read), and the erasure's after a withdrawal. */
    async receipts(justificatif: Justificatif): Promise<Receipts | undefined> {
      const signed = await signedReceipts(justificatif.id);
      return signed === undefined ? undefined : { transmission: transmissionReceiptOf(signed.transmission), signed };
    },

    /**
     * Withdrawal: the service provider's tokens for the grant are revoked (access, refresh, codes), the data erased
     * (a tombstone stays), the revoked tokens remembered by hash so that the data API can say why, an erasure receipt
     * signed, and the whole journaled, in one transaction.
     */
    async withdraw(justificatif: Justificatif, organisationId: string | null): Promise<{ at: number; erasureReceipt: string }> {
      const sealed = await repository.findSealed(db, justificatif.id);
      if (sealed?.receipt_sealed == null || justificatif.state !== 'active') throw new Error('justificatif sans reçu ou déjà retiré');
      const { grant_id: grantId } = sealed;
      const signed = parseSignedReceipts(cipher.decrypt(sealed.receipt_sealed, placeOf('receipt_sealed', justificatif.id)));
      const at = Date.now();
      const erasure = erasureReceipt(transmissionReceiptOf(signed.transmission), at);
      const erasureJws = await sign(erasure, { typ: RECEIPT_TYP, jti: erasure.recu_id, issuedAt: at });
      await db.transaction().execute(async (trx) => {
        const tokens = await grants.revokeGrant(grantId, trx);
        await repository.insertWithdrawnTokens(
          trx,
          tokens.map((digest) => ({ token_hash: digest, justificatif_id: justificatif.id, withdrawn_at: at })),
        );
        await repository.deleteDigests(trx, justificatif.id);
        await repository.markWithdrawn(
          trx,
          justificatif.id,
          at,
          cipher.encrypt(JSON.stringify({ ...signed, erasure: erasureJws } satisfies SignedReceipts), placeOf('receipt_sealed', justificatif.id)),
        );
        await journal.append(
          {
            type: 'justificatif.withdrawn',
            actor: `citizen:${justificatif.citizenSub}`,
            organisationId,
            subject: `justificatif:${justificatif.id}`,
            data: { reference: justificatif.reference, tokensRevoked: tokens.length },
          },
          trx,
        );
        await events.record(
          {
            clientId: justificatif.clientId,
            type: 'justificatif.retire',
            data: { justificatif: justificatif.id, numero: justificatif.reference, retire_le: new Date(at).toISOString() },
            occurredAt: at,
          },
          trx,
        );
      });
      events.deliverSoon();
      await grants.forgetGrant(grantId);
      return { at, erasureReceipt: erasureJws };
    },
  };
}

export type Justificatifs = ReturnType<typeof createJustificatifs>;
export type { AgentListState, ListFilters };
