/**
 * What a node may believe of the database without asking it again, for at most `boundMs`: the answers that do not
 * change from one request to the next (a token's payload, its grant, a service provider, its habilitation in force).
 * The owner of each table drops its entries when it changes them on this node; another node's change is seen once
 * the bound has passed, which is the staleness the README states. Bounded in size too: the oldest entries go first.
 * Entries past their bound are dropped as new ones arrive, not only when read again: a token is mostly read for a few
 * seconds, and its decrypted payload must not stay in memory for the life of the process (10,000 journeys left
 * 10,000 of them, ≈ 15 MiB of heap). A bound of 0 turns it off.
 */
export interface LookupCache<V> {
  get(key: string): V | undefined;
  /** Keeps `value` until the bound, or until `expiresAt` when that comes sooner (a token's own expiry). */
  set(key: string, value: V, expiresAt?: number): void;
  delete(key: string): void;
  /** Drops every entry the predicate picks: what a revocation by grant needs. */
  deleteWhere(picks: (value: V, key: string) => boolean): void;
  /** How many entries it holds, expired ones not yet swept included. */
  readonly size: number;
}

export function createLookupCache<V>(boundMs: number, maxEntries = 10_000): LookupCache<V> {
  const entries = new Map<string, { value: V; until: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.until > Date.now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, expiresAt = Number.POSITIVE_INFINITY) {
      if (boundMs <= 0) return;
      const now = Date.now();
      // Entries are kept in insertion order, nearly the order of their ends: the expired ones are at the front.
      for (const [oldKey, entry] of entries) {
        if (entry.until > now) break;
        entries.delete(oldKey);
      }
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(key, { value, until: Math.min(now + boundMs, expiresAt) });
    },
    delete(key) {
      entries.delete(key);
    },
    deleteWhere(picks) {
      for (const [key, entry] of entries) if (picks(entry.value, key)) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
