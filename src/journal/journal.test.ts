import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import type { Database } from '../db/schema.js';
import { canonicalJson } from './canonical-json.js';
import { createJournal, verifyJournal } from './journal.js';

let db: Kysely<Database>;
let remove: () => Promise<void>;

beforeAll(async () => {
  ({ db, remove } = await temporaryDatabase());
});
afterAll(() => remove());

describe('journal', () => {
  it('hashes canonical JSON: the same content in any key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('chains entries, verifies the chain, and names the first broken entry after a direct change', async () => {
    const journal = createJournal(db);
    const first = await journal.append({
      type: 'consent.transmitted',
      actor: 'citizen:abc',
      subject: 'consent:1',
      data: { scopes: ['cnaf_quotient_familial'] },
    });
    const second = await journal.append({ type: 'agent.view', actor: 'agent:1', organisationId: 'org', subject: 'justificatif:1' });
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => journal.append({ type: 'source.fetched', actor: 'system', subject: 'source:quotient_familial', data: { n } })),
    );
    expect(first.prev_hash).toBe('0'.repeat(64));
    expect(second.prev_hash).toBe(first.hash);
    expect(await verifyJournal(db, 3)).toEqual({ entries: 7, brokenAt: undefined });

    await db.updateTable('journal_entry').set({ data: '{"scopes":["cnous_statut_boursier"]}' }).where('seq', '=', 1).execute();
    expect(await verifyJournal(db)).toMatchObject({ brokenAt: 1, reason: 'contenu modifié' });
    await db
      .updateTable('journal_entry')
      .set({ data: canonicalJson({ scopes: ['cnaf_quotient_familial'] }) })
      .where('seq', '=', 1)
      .execute();
    expect((await verifyJournal(db)).brokenAt).toBeUndefined();

    await db.deleteFrom('journal_entry').where('seq', '=', 4).execute();
    expect(await verifyJournal(db)).toMatchObject({ brokenAt: 4, reason: 'entrée manquante' });
  });
});
