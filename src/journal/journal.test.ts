import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { asDatabaseOwner, temporaryDatabase } from '../../test/helpers/database.js';
import type { Database } from '../db/schema.js';
import { anchorLine, createAnchoring, parseAnchors, verifyAgainstAnchors } from './anchors.js';
import { canonicalJson } from './canonical-json.js';
import { createJournal, verifyJournal } from './journal.js';

const key = randomBytes(32);
const removals: (() => Promise<void>)[] = [];
let db: Kysely<Database>;
let anchorFile: string;

beforeEach(async () => {
  const temporary = await temporaryDatabase();
  db = temporary.db;
  removals.push(temporary.remove);
  anchorFile = join(mkdtempSync(join(tmpdir(), 'passerelle-ancres-')), 'ancres.jsonl');
});
afterAll(() => Promise.all(removals.map((remove) => remove())));

const journalOf = (entries: number) => {
  const journal = createJournal(db, key);
  return Promise.all(
    Array.from({ length: entries }, (_, n) =>
      journal.append({ type: 'source.fetched', actor: 'system', subject: 'source:quotient_familial', data: { n } }),
    ),
  );
};

describe('journal', () => {
  it('hashes canonical JSON: the same content in any key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('chains entries, verifies the chain, and names the first broken entry after a direct change', async () => {
    const journal = createJournal(db, key);
    const first = await journal.append({
      type: 'consent.transmitted',
      actor: 'citizen:abc',
      subject: 'consent:1',
      data: { scopes: ['cnaf_quotient_familial'] },
    });
    const second = await journal.append({ type: 'agent.view', actor: 'agent:1', organisationId: 'org', subject: 'justificatif:1' });
    await journalOf(5);
    expect(first.prev_hash).toBe('0'.repeat(64));
    expect(second.prev_hash).toBe(first.hash);
    expect(await verifyJournal(db, key, [], 3)).toMatchObject({ entries: 7, brokenAt: undefined });

    await asDatabaseOwner(db, () =>
      db.updateTable('journal_entry').set({ data: '{"scopes":["cnous_statut_boursier"]}' }).where('seq', '=', 1).execute(),
    );
    expect(await verifyJournal(db, key)).toMatchObject({ brokenAt: 1, reason: 'contenu modifié ou scellé avec une autre clé' });
    await asDatabaseOwner(db, () =>
      db
        .updateTable('journal_entry')
        .set({ data: canonicalJson({ scopes: ['cnaf_quotient_familial'] }) })
        .where('seq', '=', 1)
        .execute(),
    );
    expect((await verifyJournal(db, key)).brokenAt).toBeUndefined();

    await asDatabaseOwner(db, () => db.deleteFrom('journal_entry').where('seq', '=', 4).execute());
    expect(await verifyJournal(db, key)).toMatchObject({ brokenAt: 4, reason: 'entrée manquante' });
  });

  /** The database, with each transaction it is asked for counted, and the ones listed in `failing` refused. */
  const countingTransactions = (failing: ReadonlySet<number> = new Set()) => {
    const counted = { transactions: 0 };
    const wrapped = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver) as unknown;
        return () => {
          counted.transactions += 1;
          if (failing.has(counted.transactions)) return { execute: () => Promise.reject(new Error('base indisponible')) };
          return target.transaction();
        };
      },
    });
    return { wrapped, counted };
  };

  it('commits concurrent appends in groups, in their order of arrival, each answered once its entry is committed', async () => {
    const { wrapped, counted } = countingTransactions();
    const journal = createJournal(wrapped, key);
    const committed = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        journal.append({ type: 'source.fetched', actor: 'system', data: { n } }).then(async (row) => {
          // Answered: the entry is already there for anyone who reads the database.
          const stored = await db.selectFrom('journal_entry').select('hash').where('seq', '=', row.seq).executeTakeFirst();
          return { row, stored };
        }),
      ),
    );
    expect(committed.map(({ row }) => [row.seq, JSON.parse(row.data)])).toEqual(Array.from({ length: 100 }, (_, n) => [n + 1, { n }]));
    expect(committed.every(({ row, stored }) => stored?.hash === row.hash)).toBe(true);
    // Made in one turn of the event loop, as by the requests read together: one transaction for all.
    expect(counted.transactions).toBe(1);
    expect(await verifyJournal(db, key)).toMatchObject({ entries: 100, brokenAt: undefined });
  });

  it('fails only the group whose transaction failed, and the chain goes on whole after it', async () => {
    const { wrapped, counted } = countingTransactions(new Set([2]));
    const journal = createJournal(wrapped, key);
    const first = journal.append({ type: 'source.fetched', actor: 'system', data: { n: 0 } });
    // Arriving on a later turn, while the first group is being committed: they wait and go in the next group.
    await new Promise((resolve) => setImmediate(resolve));
    const outcomes = await Promise.allSettled([
      first,
      ...Array.from({ length: 9 }, (_, n) => journal.append({ type: 'source.fetched', actor: 'system', data: { n: n + 1 } })),
    ]);
    expect(counted.transactions).toBe(2);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', ...Array.from({ length: 9 }, () => 'rejected')]);
    expect((await journal.append({ type: 'source.fetched', actor: 'system', data: { n: 10 } })).seq).toBe(2);
    expect(await verifyJournal(db, key)).toMatchObject({ entries: 2, brokenAt: undefined });
  });

  it('is refused UPDATE and DELETE by the database itself', async () => {
    await journalOf(3);
    await expect(db.updateTable('journal_entry').set({ actor: 'agent:autre' }).where('seq', '=', 2).execute()).rejects.toThrow(/ajout seul/);
    await expect(db.deleteFrom('journal_entry').where('seq', '=', 3).execute()).rejects.toThrow(/ajout seul/);
    await expect(db.deleteFrom('journal_entry').execute()).rejects.toThrow(/ajout seul/);
    expect(await verifyJournal(db, key)).toMatchObject({ entries: 3, brokenAt: undefined });
  });

  it('detects an entry rewritten and the whole chain recomputed after it, without the key', async () => {
    await journalOf(6);
    // What an intruder with the database but not the key can do: rewrite entry 3 and re-seal everything after it.
    const guess = randomBytes(32);
    await asDatabaseOwner(db, async () => {
      const rows = await db.selectFrom('journal_entry').selectAll().orderBy('seq').execute();
      await db.deleteFrom('journal_entry').execute();
      const forger = createJournal(db, guess);
      for (const row of rows) {
        const data = row.seq === 3 ? { n: 'effacé' } : (JSON.parse(row.data) as Record<string, unknown>);
        await forger.append({ type: row.type as 'source.fetched', actor: row.actor, subject: row.subject, data }, undefined, row.at);
      }
    });
    expect(await verifyJournal(db, guess)).toMatchObject({ entries: 6, brokenAt: undefined });
    expect(await verifyJournal(db, key)).toMatchObject({ brokenAt: 1, reason: 'contenu modifié ou scellé avec une autre clé' });
  });

  it('detects entries cut off the end, and says how many, against the last anchor', async () => {
    const anchoring = createAnchoring({ db, key, file: anchorFile });
    await journalOf(4);
    expect(await anchoring.anchor()).toMatchObject({ seq: 4 });
    expect(await anchoring.anchor()).toBeUndefined();
    await journalOf(3);
    expect(await anchoring.anchor()).toMatchObject({ seq: 7 });
    expect(await verifyAgainstAnchors(db, key, [anchorFile])).toMatchObject({
      entries: 7,
      brokenAt: undefined,
      anchors: { checked: 2, latest: { seq: 7 }, missingAtEnd: 0 },
      badLines: [],
      absent: [],
    });

    // The last two entries deleted: the chain that is left is whole, only the anchor tells.
    await asDatabaseOwner(db, () => db.deleteFrom('journal_entry').where('seq', '>', 5).execute());
    expect((await verifyJournal(db, key)).brokenAt).toBeUndefined();
    expect(await verifyAgainstAnchors(db, key, [anchorFile])).toMatchObject({
      entries: 5,
      brokenAt: 6,
      reason: 'fin du journal supprimée',
      anchors: { missingAtEnd: 2 },
    });

    // New entries written over the cut do not hide it: entry 7 is not the one anchored.
    await journalOf(2);
    expect(await verifyAgainstAnchors(db, key, [anchorFile])).toMatchObject({ entries: 6, brokenAt: 7 });
  });

  it('names anchors that are not sealed by the journal key, and says when there is no anchors file', async () => {
    await journalOf(2);
    await createAnchoring({ db, key, file: anchorFile }).anchor();
    const [line] = readFileSync(anchorFile, 'utf8').split('\n');
    const forged = JSON.stringify({ ...JSON.parse(line ?? '{}'), seq: 1 });
    writeFileSync(anchorFile, `${line}\n${forged}\npas du JSON\n${anchorLine(randomBytes(32), { seq: 2, hash: 'x', at: 1 })}\n`);
    expect(parseAnchors(key, readFileSync(anchorFile, 'utf8'))).toMatchObject({ anchors: [{ seq: 2 }], badLines: [2, 3, 4] });
    const missing = join(tmpdir(), `absent-${randomBytes(4).toString('hex')}.jsonl`);
    expect(await verifyAgainstAnchors(db, key, [anchorFile, missing])).toMatchObject({ brokenAt: undefined, absent: [missing] });
  });
});
