import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DataCipher, SealedPlace } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import type { Database, JustificatifTable } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import type { DataRequest } from '../registry/data-request.js';
import type { Signer, Verifier } from '../signing/jws.js';
import type { RequestedItem } from '../sources/items.js';
import { buildJustificatif, type Completeness, completenessOf, DAY_MS, documentOf, type JustificatifDocument } from './document.js';
import type { AgentListState, ListFilters } from './justificatif.repository.js';
import * as repository from './justificatif.repository.js';
import {
  erasureReceipt,
  parseSignedReceipts,
  type SignedReceipts,
  type TransmissionReceipt,
  transmissionReceipt,
  transmissionReceiptOf,
} from './receipt.js';
import { newReference } from './reference.js';

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
  | { state: 'valid'; document: JustificatifDocument; jws: string; citizenName: string };

export interface Receipts {
  transmission: TransmissionReceipt;
  signed: SignedReceipts;
}

export const LIST_PAGE_SIZE = 20;

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

/**
 * The justificatif's one owner: issuing (signed, encrypted, with the citizen's signed receipt), reading it back for
 * its service provider, opening and checking it for agents and /verifier, listing it, withdrawing it. Nothing else
 * touches its table.
 */
export function createJustificatifs({ db, cipher, sign, verify, journal, pairwiseSubject, portalUrl, grants }: JustificatifsDependencies) {
  const signedReceipts = async (id: string): Promise<SignedReceipts | undefined> => {
    const sealed = (await repository.findSealed(db, id))?.receipt_sealed;
    return sealed === null || sealed === undefined ? undefined : parseSignedReceipts(cipher.decrypt(sealed, placeOf('receipt_sealed', id)));
  };

  return {
    /** Signs and stores the justificatif and its receipt; `within` puts them in the caller's transaction. */
    async issue(
      input: { request: DataRequest; consentId: string; grantId: string; citizenSub: string; citizenName: string; items: RequestedItem[] },
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
        citizen_name_sealed: cipher.encrypt(input.citizenName, placeOf('citizen_name_sealed', document.id)),
        purged_at: null,
        outcome: completenessOf(document.elements),
        withdrawn_at: null,
        receipt_sealed: cipher.encrypt(JSON.stringify({ transmission: receiptJws } satisfies SignedReceipts), placeOf('receipt_sealed', document.id)),
      });
      return { document, reference };
    },

    /** The signed justificatif an access token's grant opens, for that client only; nothing once erased. */
    async forServiceProvider(grantId: string, clientId: string): Promise<{ jws: string; document: JustificatifDocument } | undefined> {
      const row = await repository.findByGrant(db, grantId, clientId);
      if (row === undefined || row.sealed === null) return undefined;
      const jws = cipher.decrypt(row.sealed, placeOf('sealed', row.id));
      return { jws, document: documentOf(jws) };
    },

    /** When the citizen withdrew the justificatif a revoked access token opened, if that is why it is unknown. */
    async withdrawnAt(accessToken: string): Promise<number | undefined> {
      return (await repository.findWithdrawnToken(db, tokenDigest(accessToken)))?.withdrawn_at;
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
      let citizenName: string;
      try {
        jws = cipher.decrypt(sealed.sealed, placeOf('sealed', justificatif.id));
        citizenName =
          sealed.citizen_name_sealed === null ? '' : cipher.decrypt(sealed.citizen_name_sealed, placeOf('citizen_name_sealed', justificatif.id));
      } catch {
        return { state: 'altered' };
      }
      if ((sealed.content_hash !== null && sha256(jws) !== sealed.content_hash) || !(await verify(jws, JUSTIFICATIF_TYP)))
        return { state: 'altered' };
      return { state: 'valid', jws, document: documentOf(jws), citizenName };
    },

    /** One page of the justificatifs of some service providers (an organisation's), newest first, and how many in all. */
    async list(filters: ListFilters, page: number): Promise<{ rows: Justificatif[]; total: number }> {
      const [rows, total] = await Promise.all([repository.listPage(db, filters, page, LIST_PAGE_SIZE), repository.count(db, filters)]);
      return { rows: rows.map(toJustificatif), total };
    },

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
      });
      await grants.forgetGrant(grantId);
      return { at, erasureReceipt: erasureJws };
    },
  };
}

export type Justificatifs = ReturnType<typeof createJustificatifs>;
export type { AgentListState, ListFilters };
