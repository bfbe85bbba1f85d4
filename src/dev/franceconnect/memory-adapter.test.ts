import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryAdapterFactory } from './memory-adapter.js';

describe('memory adapter of the local platforms', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finds a session by uid within its own model only', async () => {
    const adapter = memoryAdapterFactory();
    await adapter('Session').upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    await adapter('Interaction').upsert('i1', { uid: 'u2' }, 60);
    expect(await adapter('Session').findByUid('u1')).toMatchObject({ accountId: 'a' });
    expect(await adapter('Session').findByUid('u2')).toBeUndefined();
    expect(await adapter('Interaction').findByUid('u1')).toBeUndefined();
  });

  it('forgets the old uid when a session is rewritten, and the uid when it is destroyed', async () => {
    const sessions = memoryAdapterFactory()('Session');
    await sessions.upsert('s1', { uid: 'old' }, 60);
    await sessions.upsert('s1', { uid: 'new' }, 60);
    expect(await sessions.findByUid('old')).toBeUndefined();
    expect(await sessions.findByUid('new')).toMatchObject({ uid: 'new' });
    await sessions.destroy('s1');
    expect(await sessions.findByUid('new')).toBeUndefined();
  });

  it('reads an expired entry as not found, by id and by uid', async () => {
    vi.useFakeTimers({ now: 0 });
    const sessions = memoryAdapterFactory()('Session');
    await sessions.upsert('s1', { uid: 'u1' }, 10);
    vi.setSystemTime(10_000);
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('revokes every entry of a grant across models and nothing else', async () => {
    const adapter = memoryAdapterFactory();
    await adapter('AccessToken').upsert('at1', { grantId: 'g1' }, 60);
    await adapter('AuthorizationCode').upsert('c1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('at2', { grantId: 'g2' }, 60);
    await adapter('AccessToken').revokeByGrantId?.('g1');
    expect(await adapter('AccessToken').find('at1')).toBeUndefined();
    expect(await adapter('AuthorizationCode').find('c1')).toBeUndefined();
    expect(await adapter('AccessToken').find('at2')).toMatchObject({ grantId: 'g2' });
  });
});
