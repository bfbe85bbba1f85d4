import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { pairwiseSubject } from '../authorization/pairwise.js';
import type { RequestView } from '../authorization/request.view-model.js';
import { transmissionReceipt } from '../justificatif/receipt.js';
import type { Database, JustificatifTable } from '../db/schema.js';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { ExtraInputs } from '../sources/source-definition.js';
import type { SourceFetcher, SourceOutcome } from '../sources/source-fetcher.js';
import type { DataCipher } from '../crypto/data-cipher.js';
import { buildJustificatif, type JustificatifDocument } from '../justificatif/document.js';
import { findJustificatifByGrant, insertJustificatif } from '../justificatif/justificatif.repository.js';
import type { JustificatifSigner } from '../signing/jws.js';
import { apisFor, previewItems } from '../sources/items.js';
import { newReference } from '../justificatif/reference.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface GatewayDependencies {
  db: Kysely<Database>;
  fetcher: SourceFetcher;
  cipher: DataCipher;
  sign: JustificatifSigner;
  /** Checks a stored signature against the published keys. */
  verifySignature: (jws: string) => Promise<boolean>;
  pairwiseSecret: string;
  portalUrl: string;
}

/** A stored justificatif as agents and /verifier see it. */
export type OpenedJustificatif =
  | { state: 'expired' }
  | { state: 'withdrawn'; at: number }
  | { state: 'altered' }
  | { state: 'valid'; document: JustificatifDocument; jws: string; citizenName: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The core gateway: fetches what a request needs for the citizen's preview, then freezes what the citizen
 * transmits into a signed justificatif, stored encrypted, which the service provider's token opens.
 */
const documentOf = (jws: string): JustificatifDocument => {
  const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as JustificatifDocument & Record<string, unknown>;
  const { iss: _iss, aud: _aud, sub: _sub, jti: _jti, iat: _iat, ...document } = payload;
  return document as JustificatifDocument;
};

export function createGateway({ db, fetcher, cipher, sign, verifySignature, pairwiseSecret, portalUrl }: GatewayDependencies) {
  return {
    /** Fetches every API of the request, or only `only` (a retry), keeping the other outcomes. */
    async preview(
      request: RequestView,
      identity: CitizenIdentity,
      inputs: ExtraInputs,
      previous: SourceOutcome[] = [],
      only?: string,
    ): Promise<SourceOutcome[]> {
      const apis = apisFor(request.scopes).filter((api) => only === undefined || api === only);
      const fresh = await fetcher.fetch(apis, identity, inputs, request.organisationSiret);
      return apisFor(request.scopes).flatMap((api) => fresh.find((o) => o.api === api) ?? previous.filter((o) => o.api === api));
    },

    /** Signs and stores the justificatif; `db` lets the caller put it in the same transaction as the consent. */
    async issue(input: {
      request: RequestView;
      consentId: string;
      grantId: string;
      accountId: string;
      citizenName: string;
      outcomes: SourceOutcome[];
      db?: Kysely<Database>;
    }): Promise<JustificatifDocument & { reference: string }> {
      const issuedAt = Date.now();
      const reference = newReference(new Date(issuedAt));
      const document = buildJustificatif({
        id: randomUUID(),
        issuedAt,
        request: input.request,
        siret: input.request.organisationSiret,
        retentionDays: input.request.retentionDays,
        subject: pairwiseSubject(pairwiseSecret, input.request.clientId, input.accountId),
        items: previewItems(input.request.scopes, input.outcomes),
      });
      const jws = await sign(document);
      const receipt = await sign.receipt(transmissionReceipt(document, reference, portalUrl));
      await insertJustificatif(input.db ?? db, {
        id: document.id,
        consent_id: input.consentId,
        client_id: input.request.clientId,
        grant_id: input.grantId,
        citizen_sub: input.accountId,
        issued_at: issuedAt,
        retention_until: issuedAt + input.request.retentionDays * DAY_MS,
        sealed: cipher.encrypt(jws),
        reference,
        content_hash: sha256(jws),
        citizen_name_sealed: cipher.encrypt(input.citizenName),
        purged_at: null,
        complete: document.elements.every((element) => element.statut === 'disponible') ? 1 : 0,
        withdrawn_at: null,
        receipt_sealed: cipher.encrypt(JSON.stringify({ transmission: receipt })),
      });
      return { ...document, reference };
    },

    /** The signed justificatif a token's grant opens, for that client only. */
    async find(grantId: string, clientId: string): Promise<{ jws: string; document: JustificatifDocument } | undefined> {
      const row = await findJustificatifByGrant(db, grantId, clientId);
      if (row === undefined || row.sealed === null) return undefined;
      const jws = cipher.decrypt(row.sealed);
      return { jws, document: documentOf(jws) };
    },

    /** Decrypts and checks a stored justificatif: still there, unaltered (same hash, valid signature), or neither. */
    async open(row: JustificatifTable): Promise<OpenedJustificatif> {
      if (row.withdrawn_at !== null) return { state: 'withdrawn', at: row.withdrawn_at };
      if (row.sealed === null) return { state: 'expired' };
      let jws: string;
      try {
        jws = cipher.decrypt(row.sealed);
      } catch {
        return { state: 'altered' };
      }
      if ((row.content_hash !== null && sha256(jws) !== row.content_hash) || !(await verifySignature(jws))) return { state: 'altered' };
      return {
        state: 'valid',
        jws,
        document: documentOf(jws),
        citizenName: row.citizen_name_sealed === null ? '' : cipher.decrypt(row.citizen_name_sealed),
      };
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
