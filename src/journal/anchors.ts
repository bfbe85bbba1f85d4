import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import { canonicalJson } from './canonical-json.js';
import { journalHead, verifyJournal } from './journal.js';

/** What the journal's head was at a moment: its last entry's number and hash. */
export interface Anchor {
  seq: number;
  hash: string;
  at: number;
}

// A domain of its own, so that an anchor's seal can never be mistaken for an entry's.
const anchorMac = (key: Buffer, { seq, hash, at }: Anchor) =>
  createHmac('sha256', key)
    .update(`ancre-du-journal\n${canonicalJson({ seq, hash, at })}`)
    .digest('hex');

/** One line of an anchors file: the head and its seal under the journal key. */
export const anchorLine = (key: Buffer, anchor: Anchor): string => JSON.stringify({ ...anchor, mac: anchorMac(key, anchor) });

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The anchors of a file's text; lines that are not well-sealed anchors are named, never silently skipped. */
export function parseAnchors(key: Buffer, text: string): { anchors: Anchor[]; badLines: number[] } {
  const anchors: Anchor[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const { seq, hash, at, mac } = JSON.parse(line) as Record<string, unknown>;
      if (!Number.isSafeInteger(seq) || typeof hash !== 'string' || !Number.isSafeInteger(at) || typeof mac !== 'string') throw new Error();
      const anchor = { seq: seq as number, hash, at: at as number };
      if (!sameHex(mac, anchorMac(key, anchor))) throw new Error();
      anchors.push(anchor);
    } catch {
      badLines.push(index + 1);
    }
  });
  return { anchors, badLines };
}

/** Reads anchors files; a file that does not exist yet holds no anchor. */
export async function readAnchorFiles(key: Buffer, files: readonly string[]) {
  const anchors: Anchor[] = [];
  const badLines: { file: string; line: number }[] = [];
  const absent: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      absent.push(file);
      continue;
    }
    const parsed = parseAnchors(key, text);
    anchors.push(...parsed.anchors);
    badLines.push(...parsed.badLines.map((line) => ({ file, line })));
  }
  return { anchors, badLines, absent };
}

export type Anchoring = ReturnType<typeof createAnchoring>;

/**
 * Takes anchors of the journal's head into a file outside the database (each node its own, on storage the database's
 * users cannot rewrite) and into the technical log, which is shipped elsewhere. `journal verify` compares the chain
 * with them: rewriting an anchored entry, or cutting entries off the end, no longer goes unseen.
 */
export function createAnchoring({ db, key, file, logger }: { db: Kysely<Database>; key: Buffer; file: string; logger?: Logger }) {
  let lastSeq = 0;
  return {
    /** Anchors the head if it moved since the last anchor of this process; returns the anchor taken. */
    async anchor(at = Date.now()): Promise<Anchor | undefined> {
      const head = await journalHead(db);
      if (head === undefined || head.seq === lastSeq) return undefined;
      const anchor = { seq: head.seq, hash: head.hash, at };
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${anchorLine(key, anchor)}\n`, { mode: 0o600 });
      lastSeq = head.seq;
      logger?.info({ journalAnchor: anchor }, 'ancre du journal');
      return anchor;
    },
  };
}

/** The chain checked against every anchor of the given files: what `journal verify` reports. */
export async function verifyAgainstAnchors(db: Kysely<Database>, key: Buffer, files: readonly string[]) {
  const { anchors, badLines, absent } = await readAnchorFiles(key, files);
  return { ...(await verifyJournal(db, key, anchors)), badLines, absent };
}
