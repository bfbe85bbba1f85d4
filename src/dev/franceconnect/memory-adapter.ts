import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const SWEEP_THRESHOLD = 10_000;

/**
 * oidc-provider's storage for the local platform, in memory. Entries vanish at their expiry, as FranceConnect's
 * Redis keys do, so an expired code or token reads "not found" exactly as on the real platform. Lookups by uid and by
 * grant go through indexes: a scan of every entry made each token check slower as flows accumulated.
 */
export function memoryAdapterFactory(): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const byUid = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();

  const uidKey = (key: string, uid: string) => `${key.slice(0, key.indexOf(':'))}:${uid}`;
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    const { uid, grantId } = entry.payload;
    if (uid !== undefined && byUid.get(uidKey(key, uid)) === key) byUid.delete(uidKey(key, uid));
    if (grantId !== undefined) {
      const keys = byGrant.get(grantId);
      keys?.delete(key);
      if (keys?.size === 0) byGrant.delete(grantId);
    }
  };
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    return entry;
  };
  const sweep = () => {
    for (const key of [...entries.keys()]) live(key);
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        if (entries.size >= SWEEP_THRESHOLD) sweep();
        const entryKey = key(id);
        remove(entryKey);
        entries.set(entryKey, { payload, expiresAt: expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000 });
        if (payload.uid !== undefined) byUid.set(uidKey(entryKey, payload.uid), entryKey);
        if (payload.grantId !== undefined) {
          const keys = byGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(entryKey);
          byGrant.set(payload.grantId, keys);
        }
      },
      async find(id) {
        return live(key(id))?.payload;
      },
      async findByUid(uid) {
        const entryKey = byUid.get(key(uid));
        return entryKey === undefined ? undefined : live(entryKey)?.payload;
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const entry = live(key(id));
        if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        remove(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const entryKey of [...(byGrant.get(grantId) ?? [])]) remove(entryKey);
      },
    };
  };
}
