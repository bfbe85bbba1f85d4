import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, startSignedInSession } from './session.js';

/** A store as slow as a remote database under load: each save takes 300 ms to land. */
class SlowStore extends session.MemoryStore {
  saves = 0;
  override set(sid: string, data: session.SessionData, callback?: (error?: unknown) => void): void {
    this.saves += 1;
    setTimeout(() => super.set(sid, data, callback), 300);
  }
}

declare module 'express-session' {
  interface SessionData {
    step: number;
  }
}

let origin: string;
let store: SlowStore;
let close: () => void;

beforeAll(async () => {
  store = new SlowStore();
  const app = express();
  app.use(sessionMiddleware({ secret: 'x'.repeat(32), cookieName: 'test', secureCookie: false, idleMinutes: 30, maxHours: 12 }, store));
  app.post('/sign-in', async (req, res) => {
    await startSignedInSession(req);
    req.session.step = 1;
    res.send('ok');
  });
  // Stands for time passing: the sign-in moved back by the given number of hours.
  app.post('/age/:hours', (req, res) => {
    req.session.startedAt = (req.session.startedAt ?? 0) - Number(req.params.hours) * 3600 * 1000;
    res.send('ok');
  });
  app.get('/start', (req, res) => {
    req.session.step = 1;
    res.send('ok');
  });
  app.post('/next', (req, res) => {
    req.session.step = 2;
    res.redirect(303, '/read');
  });
  app.get('/unchanged', (_req, res) => res.redirect(303, '/read'));
  app.get('/read', (req, res) => void res.json({ step: req.session.step ?? null }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

describe('sessions and redirects', () => {
  it('lets the redirect leave only once the changed session is stored, so the next page reads it', async () => {
    const start = await fetch(`${origin}/start`);
    await start.text();
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    // A browser follows the Location header as soon as it has it, without waiting for the body.
    const redirect = await fetch(`${origin}/next`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const next = await fetch(new URL(redirect.headers.get('location') ?? '', origin), { headers: { cookie } });
    expect(await next.json()).toEqual({ step: 2 });
    await redirect.text();
  });

  it('does not write a session that the request left unchanged', async () => {
    const start = await fetch(`${origin}/start`);
    await start.text();
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const before = store.saves;
    const redirect = await fetch(`${origin}/unchanged`, { headers: { cookie }, redirect: 'manual' });
    await redirect.text();
    expect(redirect.status).toBe(303);
    expect(store.saves).toBe(before);
  });

  it('ends a signed-in session at its absolute lifetime, however active it was', async () => {
    const signIn = await fetch(`${origin}/sign-in`, { method: 'POST' });
    await signIn.text();
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const sid =
      decodeURIComponent(cookie.split('=')[1] ?? '')
        .slice(2)
        .split('.')[0] ?? '';
    const stored = () => new Promise((resolve) => store.get(sid, (_error, data) => resolve(data)));
    expect(await stored()).toMatchObject({ step: 1 });
    await (await fetch(`${origin}/age/11`, { method: 'POST', headers: { cookie } })).text();
    expect(await (await fetch(`${origin}/read`, { headers: { cookie } })).json()).toEqual({ step: 1 });
    await (await fetch(`${origin}/age/1`, { method: 'POST', headers: { cookie } })).text();
    expect(await (await fetch(`${origin}/read`, { headers: { cookie } })).json()).toEqual({ step: null });
    expect(await stored()).toBeFalsy();
  });
});
