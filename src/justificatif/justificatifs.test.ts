import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type Compilable, CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../test/helpers/database.js';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import { completenessOf } from './document.js';
import { dueForPurge, grantLookup } from './justificatif.repository.js';
import { indexForSearch } from './justificatifs.js';
import type { Person } from './person.js';
import { parseSignedReceipts } from './receipt.js';
import { purgeExpiredJustificatifs } from './retention.js';
import { parsePersonSearch } from './search-terms.js';

let world: DomainWorld;
beforeAll(async () => {
  world = await domainWorld();
});
afterAll(() => world.remove());

/** A justificatif as the portal issues one: through the citizen's decision (its consent row comes first). */
const LUCIE: Person = { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' };
const issue = async (outcomes = [QF_FOUND], citizenSub = 'sub-lucie', person = LUCIE) => {
  const decided = await world.transmissions.decide({
    request: world.request,
    citizen: { sub: citizenSub, person },
    outcomes,
    decision: 'transmitted',
  });
  const found = decided.grantId === undefined ? undefined : await world.justificatifs.forServiceProvider(decided.grantId, world.request.clientId);
  if (decided.justificatif === undefined || decided.grantId === undefined || found?.state !== 'valid') throw new Error('justificatif non émis');
  return { document: found.document, reference: decided.justificatif.reference, grantId: decided.grantId };
};

describe('issuing a justificatif', () => {
  it('signs what the citizen saw, for the service provider only, under its own pairwise subject', async () => {
    const { document, reference, grantId } = await issue();
    expect(reference).toMatch(/^PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const found = await world.justificatifs.forServiceProvider(grantId, world.request.clientId);
    if (found?.state !== 'valid') throw new Error('justificatif non trouvé');
    expect(found.document.id).toBe(document.id);
    expect(found.document.elements.map((e) => e.donnees)).toEqual([
      { quotient_familial: QF_FOUND.data?.quotient_familial },
      { enfants: QF_FOUND.data?.enfants },
    ]);
    expect(decodeProtectedHeader(found?.jws ?? '')).toMatchObject({ alg: 'ES256', typ: 'justificatif+jwt' });
    expect(decodeJwt(found?.jws ?? '')).toMatchObject({
      aud: world.request.clientId,
      sub: world.pseudonyms.pairwiseSubject(world.request.clientId, 'sub-lucie'),
    });
    expect(document.destinataire).toEqual({
      organisation: 'Mairie de Bellerive',
      siret: '21999999900010',
      client_id: 'cantine-bellerive',
      demarche: 'Tarif de la cantine',
    });
    expect(document.elements.map((e) => [e.scope, e.statut])).toEqual([
      ['cnaf_quotient_familial', 'disponible'],
      ['cnaf_enfants', 'disponible'],
    ]);
    // Each item carries its own fields only: the address was fetched but not asked for.
    expect(JSON.stringify(document)).not.toContain('Tilleuls');
    expect(await world.justificatifs.forServiceProvider(grantId, 'autre-service')).toBeUndefined();
  });

  it('stores nothing readable: the data, the name and the receipts are sealed', async () => {
    const { reference } = await issue();
    const row = await world.db.selectFrom('justificatif').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    for (const column of [row.sealed, row.citizen_name_sealed, row.receipt_sealed]) {
      expect(column).toMatch(/^v2\./);
      expect(column).not.toContain('FONTAINE');
    }
  });

  it('says the month each item is for, machine-readably, when the source gives it', async () => {
    const { document } = await issue();
    expect(document.elements.map((element) => [element.scope, element.periode])).toEqual([
      ['cnaf_quotient_familial', '2026-10'],
      ['cnaf_enfants', null],
    ]);
  });

  it('says when a source did not answer, and counts what was obtained', async () => {
    const { document, reference } = await issue([QF_DOWN]);
    expect(document.elements.every((e) => e.statut === 'indisponible' && e.donnees === null && e.explication !== null)).toBe(true);
    expect(completenessOf(document.elements)).toBe('none');
    expect((await world.justificatifs.find(reference))?.outcome).toBe('none');
    expect(document).toMatchObject({ numero: reference, resultat: 'aucune_information' });
  });
});

describe('opening a justificatif for agents and /verifier', () => {
  it('is valid as issued, with the citizen’s name and birth date', async () => {
    const { reference } = await issue();
    const justificatif = await world.justificatifs.find(reference);
    if (justificatif === undefined) throw new Error('introuvable');
    const opened = await world.justificatifs.open(justificatif);
    expect(opened).toMatchObject({ state: 'valid', person: LUCIE });
  });

  it('reads as altered when the stored content no longer matches its hash, or cannot be decrypted', async () => {
    const first = await issue();
    const second = await issue();
    const swap = await world.db.selectFrom('justificatif').select('sealed').where('reference', '=', second.reference).executeTakeFirstOrThrow();
    // Another justificatif's (valid, signed) content moved into this row: its hash does not match.
    await world.db.updateTable('justificatif').set({ sealed: swap.sealed }).where('reference', '=', first.reference).execute();
    const moved = await world.justificatifs.find(first.reference);
    expect(moved && (await world.justificatifs.open(moved)).state).toBe('altered');
    await world.db.updateTable('justificatif').set({ sealed: 'v2.AAAA.AAAA.AAAA' }).where('reference', '=', second.reference).execute();
    const broken = await world.justificatifs.find(second.reference);
    expect(broken && (await world.justificatifs.open(broken)).state).toBe('altered');
  });

  it('reads as altered when sealed columns are copied from another row, even with their hash: each is bound to its row', async () => {
    const first = await issue();
    const second = await issue();
    const other = await world.db
      .selectFrom('justificatif')
      .select(['sealed', 'content_hash', 'citizen_name_sealed', 'receipt_sealed'])
      .where('reference', '=', second.reference)
      .executeTakeFirstOrThrow();
    await world.db
      .updateTable('justificatif')
      .set({ sealed: other.sealed, content_hash: other.content_hash })
      .where('reference', '=', first.reference)
      .execute();
    const moved = await world.justificatifs.find(first.reference);
    expect(moved && (await world.justificatifs.open(moved)).state).toBe('altered');

    const third = await issue();
    await world.db
      .updateTable('justificatif')
      .set({ citizen_name_sealed: other.citizen_name_sealed })
      .where('reference', '=', third.reference)
      .execute();
    const renamed = await world.justificatifs.find(third.reference);
    expect(renamed && (await world.justificatifs.open(renamed)).state).toBe('altered');
  });

  it('lists only the service providers asked for, newest first, filtered by state', async () => {
    const nothing = await issue([QF_DOWN]);
    const all = await world.justificatifs.list({ clientIds: [world.request.clientId] }, 1);
    expect(all.total).toBeGreaterThan(1);
    const issued = all.rows.map((row) => row.justificatif.issuedAt);
    expect(issued).toEqual([...issued].sort((a, b) => b - a));
    // Nothing obtained is its own state, not "partial".
    const empty = await world.justificatifs.list({ clientIds: [world.request.clientId], state: 'aucune' }, 1);
    expect(empty.rows.map((row) => row.justificatif.reference)).toContain(nothing.reference);
    expect(empty.rows.every((row) => row.justificatif.outcome === 'none')).toBe(true);
    const partials = await world.justificatifs.list({ clientIds: [world.request.clientId], state: 'partiel' }, 1);
    expect(partials.rows.map((row) => row.justificatif.reference)).not.toContain(nothing.reference);
    const complete = await world.justificatifs.list({ clientIds: [world.request.clientId], state: 'complet' }, 1);
    expect(complete.total).toBeGreaterThan(0);
    expect(complete.rows.every((row) => row.justificatif.outcome === 'all')).toBe(true);
    expect((await world.justificatifs.list({ clientIds: ['autre-service'] }, 1)).total).toBe(0);
    expect((await world.justificatifs.list({ clientIds: [] }, 1)).total).toBe(0);
  });

  it('names the numbers of as many justificatifs as a journal export holds (50,000), beyond what one statement binds', async () => {
    const { reference } = await issue();
    const issued = await world.justificatifs.find(reference);
    const ids = [...Array.from({ length: 49_999 }, (_, n) => `absent-${n}`), issued?.id ?? ''];
    expect(await world.justificatifs.referencesOf(ids)).toEqual(new Map([[issued?.id, reference]]));
  });
});

describe('finding a person among encrypted names', () => {
  const HELENE: Person = { givenNames: 'Hélène Marie', familyName: 'D’ARCY-LEFÈVRE', birthDate: '1971-02-09' };
  const find = async (typed: string, clientIds = [world.request.clientId]) =>
    (await world.justificatifs.list({ clientIds, person: parsePersonSearch(typed) }, 1)).rows.map((row) => row.justificatif.reference);

  it('finds by any word of the name whatever the case and accents, by birth date, by number however typed', async () => {
    const helene = await issue([QF_FOUND], 'sub-helene', HELENE);
    const lucie = await issue([QF_FOUND], 'sub-lucie-2');
    for (const typed of ['helene', 'HÉLÈNE', 'lefevre', 'd’arcy', 'Marie Lefèvre', '09/02/1971', 'helene 1971-02-09']) {
      const found = await find(typed);
      expect(found, typed).toContain(helene.reference);
      expect(found, typed).not.toContain(lucie.reference);
    }
    expect(await find(helene.reference.toLowerCase().replaceAll('-', ' '))).toEqual([helene.reference]);
    // Every word must match: a first name of one person and the last name of another finds neither.
    expect(await find('helene fontaine')).toEqual([]);
    expect(await find('10/02/1971')).toEqual([]);
    // Another service provider's rows are not found by this one's digests.
    expect(await find('helene', ['autre-service'])).toEqual([]);
  });

  it('shows the person to the list, and keeps no name or digest once the data are erased', async () => {
    const { reference } = await issue([QF_FOUND], 'sub-helene-2', HELENE);
    const listed = (await world.justificatifs.list({ clientIds: [world.request.clientId], person: { reference } }, 1)).rows[0];
    expect(listed?.person).toEqual(HELENE);
    const row = await world.db
      .selectFrom('justificatif')
      .select(['id', 'citizen_name_sealed'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    // Stored encrypted, and searched by keyed digests: neither holds the name in clear.
    expect(row.citizen_name_sealed).not.toMatch(/ARCY|1971/);
    const terms = await world.db.selectFrom('justificatif_search').select('term').where('justificatif_id', '=', row.id).execute();
    expect(terms).toHaveLength(6); // hélène, marie, d, arcy, lefèvre, and the birth date
    expect(terms.map((t) => t.term).join(' ')).not.toMatch(/helene|arcy|1971/i);

    const found = await world.justificatifs.find(reference);
    if (found === undefined) throw new Error('introuvable');
    await world.justificatifs.withdraw(found, null);
    expect(await world.db.selectFrom('justificatif_search').select('term').where('justificatif_id', '=', row.id).execute()).toEqual([]);
    expect(await find('arcy')).not.toContain(reference);
  });

  it('indexes justificatifs issued before the search existed, once', async () => {
    const { reference } = await issue([QF_FOUND], 'sub-ancien', { givenNames: 'Armand', familyName: 'VIEUXTEMPS', birthDate: undefined });
    const { id } = await world.db.selectFrom('justificatif').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
    await world.db.deleteFrom('justificatif_search').where('justificatif_id', '=', id).execute();
    expect(await find('vieuxtemps')).toEqual([]);
    expect(await indexForSearch(world)).toBe(1);
    expect(await indexForSearch(world)).toBe(0);
    expect(await find('vieuxtemps')).toEqual([reference]);
  });
});

describe('withdrawing a justificatif', () => {
  it('revokes the grant’s tokens, erases the data, signs an erasure receipt and journals it, in one go', async () => {
    const { reference, grantId } = await issue();
    world.grants.grants.get(grantId)?.tokens.push('jeton-de-la-cantine');
    const justificatif = await world.justificatifs.find(reference);
    if (justificatif === undefined) throw new Error('introuvable');
    const { at, erasureReceipt } = await world.justificatifs.withdraw(justificatif, world.request.organisation.id);

    expect(world.grants.grants.has(grantId)).toBe(false);
    expect(world.grants.revoked).toContain(grantId);
    expect(await world.justificatifs.withdrawnToken('jeton-de-la-cantine')).toEqual({ at, clientId: 'cantine-bellerive' });
    expect(await world.justificatifs.withdrawnToken('un-autre-jeton')).toBeUndefined();
    expect(await world.justificatifs.forServiceProvider(grantId, world.request.clientId)).toEqual({ state: 'withdrawn', at });
    const after = await world.justificatifs.find(reference);
    expect(after).toMatchObject({ state: 'withdrawn', withdrawnAt: at });
    expect(after && (await world.justificatifs.open(after))).toEqual({ state: 'withdrawn', at });
    expect(decodeJwt(erasureReceipt)).toMatchObject({ type: 'effacement', recu_transmission: reference });
    const receipts = after && (await world.justificatifs.receipts(after));
    expect(receipts?.signed.erasure).toBe(erasureReceipt);
    expect(receipts?.transmission.recu_id).toBe(reference);
    const entry = await world.db
      .selectFrom('journal_entry')
      .selectAll()
      .where('type', '=', 'justificatif.withdrawn')
      .where('subject', '=', `justificatif:${justificatif.id}`)
      .executeTakeFirst();
    expect(JSON.parse(entry?.data ?? '{}')).toEqual({ reference, tokensRevoked: 1 });
  });

  it('refuses to withdraw twice', async () => {
    const { reference } = await issue();
    const justificatif = await world.justificatifs.find(reference);
    if (justificatif === undefined) throw new Error('introuvable');
    await world.justificatifs.withdraw(justificatif, null);
    const again = await world.justificatifs.find(reference);
    await expect(world.justificatifs.withdraw(again ?? justificatif, null)).rejects.toThrow();
  });
});

describe('receipts', () => {
  it('decode only the stored shape', () => {
    expect(parseSignedReceipts('{"transmission":"a.b.c"}')).toEqual({ transmission: 'a.b.c' });
    expect(parseSignedReceipts('{"transmission":"a.b.c","erasure":"d.e.f"}')).toEqual({ transmission: 'a.b.c', erasure: 'd.e.f' });
    for (const bad of ['null', '[]', '{"transmission":1}', '{"transmission":"a","erasure":2}']) expect(() => parseSignedReceipts(bad)).toThrow();
  });
});

describe('the retention purge', () => {
  it('erases what is past its date once, keeps the tombstone, and journals each erasure', async () => {
    const { reference } = await issue();
    const later = Date.now() + 400 * 24 * 60 * 60 * 1000;
    const purged = await purgeExpiredJustificatifs(world.db, world.journal, later);
    expect(purged).toBeGreaterThan(0);
    expect(await purgeExpiredJustificatifs(world.db, world.journal, later)).toBe(0);
    const after = await world.justificatifs.find(reference);
    expect(after).toMatchObject({ state: 'expired', reference });
    expect(after && (await world.justificatifs.open(after))).toEqual({ state: 'expired' });
    const row = await world.db.selectFrom('justificatif').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect([row.sealed, row.citizen_name_sealed]).toEqual([null, null]);
    expect(await world.db.selectFrom('justificatif_search').select('term').where('justificatif_id', '=', row.id).execute()).toEqual([]);
    expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('reads that must not grow with the table', () => {
  // SQLite plans without statistics: the data API's read once walked every justificatif of the calling service.
  const planOf = async (query: Compilable) => {
    const { sql: text, parameters } = query.compile();
    const { rows } = await world.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
    return rows.map((row) => row.detail).join(' | ');
  };

  it.skipIf(onPostgres)('find a justificatif by its grant, and those at end of retention, through their own indexes', async () => {
    expect(await planOf(grantLookup(world.db, 'grant', 'service'))).toMatch(
      /^SEARCH justificatif USING INDEX justificatif_grant_client_idx \(grant_id=\? AND client_id=\?\)$/,
    );
    expect(await planOf(dueForPurge(world.db, Date.now()))).toMatch(
      /^SEARCH justificatif USING INDEX justificatif_retention_due_idx \(retention_until<\?\)$/,
    );
  });
});
