import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLookupCache } from './lookup-cache.js';

describe('lookup cache', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('forgets an entry once its bound has passed, or at its own expiry when that comes sooner', () => {
    const cache = createLookupCache<string>(5_000);
    cache.set('jeton', 'charge utile');
    cache.set('court', 'expire bientôt', Date.now() + 1_000);
    vi.setSystemTime(Date.now() + 1_000);
    expect(cache.get('jeton')).toBe('charge utile');
    expect(cache.get('court')).toBeUndefined();
    vi.setSystemTime(Date.now() + 4_000);
    expect(cache.get('jeton')).toBeUndefined();
  });

  it('lets go of the entries past their bound as new ones arrive, without their being read again', () => {
    const cache = createLookupCache<string>(5_000);
    for (let n = 0; n < 100; n++) cache.set(`AccessToken:${n}`, 'charge utile déchiffrée');
    expect(cache.size).toBe(100);
    vi.setSystemTime(Date.now() + 5_000);
    cache.set('AccessToken:nouveau', 'charge utile déchiffrée');
    expect(cache.size).toBe(1);
    expect(cache.get('AccessToken:nouveau')).toBe('charge utile déchiffrée');
  });

  it('keeps at most its size, the oldest entries going first', () => {
    const cache = createLookupCache<number>(5_000, 3);
    for (const n of [1, 2, 3, 4]) cache.set(`k${n}`, n);
    expect(['k1', 'k2', 'k3', 'k4'].map((key) => cache.get(key))).toEqual([undefined, 2, 3, 4]);
  });

  it('drops what a change on this node picks, and keeps nothing with a bound of 0', () => {
    const cache = createLookupCache<{ grantId: string }>(5_000);
    cache.set('AccessToken:a', { grantId: 'g1' });
    cache.set('AccessToken:b', { grantId: 'g2' });
    cache.deleteWhere((value) => value.grantId === 'g1');
    expect(cache.get('AccessToken:a')).toBeUndefined();
    expect(cache.get('AccessToken:b')).toEqual({ grantId: 'g2' });
    cache.delete('AccessToken:b');
    expect(cache.get('AccessToken:b')).toBeUndefined();
    const off = createLookupCache<string>(0);
    off.set('k', 'v');
    expect(off.get('k')).toBeUndefined();
  });
});
