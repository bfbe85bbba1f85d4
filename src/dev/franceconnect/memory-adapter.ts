import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const SWEEP_THRESHOLD = 10_000;

/**
 * oidc-provider's storage for the local platform, in memory. Entries vanish at their expiry, as FranceConnect's
 * Redis keys do, so an expired code or token reads "not found" exactly as on the real platform.
 */
export function memoryAdapterFactory(): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
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
        entries.set(key(id), { payload, expiresAt: expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000 });
      },
      async find(id) {
        return live(key(id))?.payload;
      },
      async findByUid(uid) {
        for (const [entryKey, entry] of entries) {
          if (entryKey.startsWith(`${model}:`) && entry.payload.uid === uid) return live(entryKey)?.payload;
        }
        return undefined;
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const entry = live(key(id));
        if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [entryKey, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(entryKey);
      },
    };
  };
}
