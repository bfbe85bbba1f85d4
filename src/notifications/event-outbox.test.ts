import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, PORTAL_URL } from '../../test/helpers/domain.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../http/logger.js';
import { publicJwks } from '../signing/jws.js';
import { createEventOutbox, MAX_ATTEMPTS, retryDelayMs } from './event-outbox.js';
import { SP_EVENT_MEDIA_TYPE, SP_EVENT_TYP, spEventExample, spEventUri } from './sp-events.js';
import { webhookPoster } from './webhook-delivery.js';

/** A service's webhook on 127.0.0.1: records what it receives, answers what the test says. */
function receiver() {
  const received: Array<{ contentType: string | undefined; body: string }> = [];
  let answer: (request: IncomingMessage) => { status: number; body?: string } | 'hang' = () => ({ status: 202 });
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ contentType: request.headers['content-type'], body });
      const reply = answer(request);
      if (reply === 'hang') return;
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body ?? '');
    });
  });
  return {
    received,
    answer: (next: typeof answer) => {
      answer = next;
    },
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/evenements`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let world: DomainWorld;
const webhook = receiver();
let webhookUrl = '';
let clock = Date.UTC(2026, 11, 6, 9, 0, 0);
const CLIENT = 'cantine-bellerive';

const outboxOn = (db = world.db) =>
  createEventOutbox({
    db,
    registry: world.registry,
    sign: world.sign,
    journal: world.journal,
    post: webhookPoster(1000, { allowInternalAddresses: true }),
    logger: createLogger('silent'),
    leaseMs: 60_000,
    now: () => clock,
  });

const withdrawal = (n: number) => ({
  clientId: CLIENT,
  type: 'justificatif.retire' as const,
  data: { justificatif: `j-${n}`, numero: `PP-2026-AAAA-000${n}`, retire_le: new Date(clock).toISOString() },
  occurredAt: clock,
});

const rowOf = (id: string) => world.db.selectFrom('sp_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const latest = async () => await world.db.selectFrom('sp_event').selectAll().orderBy('occurred_at', 'desc').limit(1).executeTakeFirstOrThrow();

beforeAll(async () => {
  world = await domainWorld();
  webhookUrl = await webhook.start();
  await world.registry.setWebhookUrl(CLIENT, webhookUrl);
});
afterEach(() => {
  webhook.received.length = 0;
  webhook.answer(() => ({ status: 202 }));
  clock += 10 * 24 * 60 * 60 * 1000;
});
afterAll(async () => {
  await webhook.close();
  await world.remove();
});

describe('events for service providers', () => {
  it('pushes a Security Event Token signed with the published key, for this service only, once it is due', async () => {
    const outbox = outboxOn();
    await outbox.record(withdrawal(1));
    expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 1, abandoned: 0 });
    const [post] = webhook.received;
    expect(post?.contentType).toBe(SP_EVENT_MEDIA_TYPE);
    const token = post?.body ?? '';
    expect(decodeProtectedHeader(token).typ).toBe(SP_EVENT_TYP);
    const { payload } = await jwtVerify(token, createLocalJWKSet(publicJwks(world.keys)), {
      issuer: PORTAL_URL,
      audience: CLIENT,
      typ: SP_EVENT_TYP,
    });
    const row = await latest();
    expect(payload).toMatchObject({
      jti: row.id,
      toe: Math.floor(clock / 1000),
      events: { [spEventUri('justificatif.retire')]: withdrawal(1).data },
    });
    // What /api/documentation and the OpenAPI file show is what is sent.
    const documented = spEventExample('justificatif.retire', PORTAL_URL);
    expect(Object.keys(payload).sort()).toEqual(Object.keys(documented.claims).sort());
    expect(Object.keys(payload.events as object)).toEqual(Object.keys(documented.claims.events));
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: documented.header.alg, typ: documented.header.typ });
    expect(row).toMatchObject({ attempts: 1, next_attempt_at: null, last_outcome: 'HTTP 202', abandoned_at: null });
    expect(row.delivered_at).toBe(clock);
    // Delivered once: a second round sends nothing.
    expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 0, abandoned: 0 });
    expect(webhook.received).toHaveLength(1);
  });

  it('tries again after 30 s, then 1 min…, says why each time, and delivers once the service takes it', async () => {
    const outbox = outboxOn();
    webhook.answer(() => ({ status: 500 }));
    await outbox.record(withdrawal(2));
    await outbox.deliverDue();
    const id = (await latest()).id;
    expect(await rowOf(id)).toMatchObject({ attempts: 1, next_attempt_at: clock + 30_000, last_outcome: 'HTTP 500' });
    webhook.answer(() => ({ status: 503 }));
    clock += 29_000;
    expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 0, abandoned: 0 });
    clock += 1_000;
    await outbox.deliverDue();
    expect(await rowOf(id)).toMatchObject({ attempts: 2, next_attempt_at: clock + 60_000, last_outcome: 'HTTP 503' });
    webhook.answer(() => ({ status: 202 }));
    clock += 60_000;
    expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 1, abandoned: 0 });
    expect(await rowOf(id)).toMatchObject({ attempts: 3, next_attempt_at: null, delivered_at: clock });
    // The same token each time: one jti, for a receiver to recognise.
    const jtis = new Set(webhook.received.map(({ body }) => JSON.parse(Buffer.from(body.split('.')[1] ?? '', 'base64url').toString()).jti));
    expect([...jtis]).toEqual([id]);
  });

  it('gives up after the last attempt, about a day and a half later, and journals it for the organisation', async () => {
    const outbox = outboxOn();
    webhook.answer(() => ({ status: 500 }));
    await outbox.record(withdrawal(3));
    const id = (await latest()).id;
    let waited = 0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      await outbox.deliverDue();
      if (attempt < MAX_ATTEMPTS) {
        clock += retryDelayMs(attempt);
        waited += retryDelayMs(attempt);
      }
    }
    expect(webhook.received).toHaveLength(MAX_ATTEMPTS);
    expect(waited / 3_600_000).toBeGreaterThan(30);
    expect(waited / 3_600_000).toBeLessThan(48);
    const row = await rowOf(id);
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, next_attempt_at: null, delivered_at: null, last_outcome: 'HTTP 500' });
    expect(row.abandoned_at).toBe(clock);
    const entries = await world.db
      .selectFrom('journal_entry')
      .select(['data', 'organisation_id'])
      .where('type', '=', 'notification.abandoned')
      .execute();
    expect(entries.map((entry) => JSON.parse(entry.data))).toContainEqual({
      event: 'justificatif.retire',
      id,
      attempts: MAX_ATTEMPTS,
      outcome: 'HTTP 500',
    });
    expect(entries[0]?.organisation_id).toBe(world.request.organisation.id);
  });

  it('gives up at once an event the service refuses (400, with its reason), and never pushes to an internal address in production', async () => {
    webhook.answer(() => ({ status: 400, body: JSON.stringify({ err: 'invalid_key', description: 'clé inconnue' }) }));
    const outbox = outboxOn();
    await outbox.record(withdrawal(7));
    expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 0, abandoned: 1 });
    expect(await latest()).toMatchObject({ attempts: 1, next_attempt_at: null, last_outcome: 'HTTP 400 (invalid_key)' });

    webhook.received.length = 0;
    const production = webhookPoster(1000, { allowInternalAddresses: false });
    for (const address of [webhookUrl, webhookUrl.replace('127.0.0.1', 'localhost'), 'https://10.1.2.3/evenements', 'https://[::ffff:192.168.1.5]/e'])
      expect(await production(address, 'jeton')).toEqual({ delivered: false, outcome: 'adresse interne refusée', final: true });
    expect(webhook.received).toHaveLength(0);
  });

  it('keeps what was not delivered across a restart: a new process on the same database sends it, also one stopped mid-attempt', async () => {
    const stopped = outboxOn();
    webhook.answer(() => 'hang');
    await stopped.record(withdrawal(4));
    // The process dies while the service has not answered: the event stays claimed until its lease passes.
    void stopped.deliverDue();
    await expect.poll(() => webhook.received.length).toBe(1);
    webhook.answer(() => ({ status: 202 }));

    const reopened = openDatabase(world.url);
    try {
      const restarted = outboxOn(reopened);
      expect(await restarted.deliverDue()).toEqual({ pending: 0, delivered: 0, abandoned: 0 });
      clock += 60_000;
      expect(await restarted.deliverDue()).toEqual({ pending: 0, delivered: 1, abandoned: 0 });
      expect(webhook.received).toHaveLength(2);
    } finally {
      await reopened.destroy();
    }
  });

  it('never pushes one event twice at once from two processes: the first to claim it sends it', async () => {
    const [first, second] = [outboxOn(), outboxOn()];
    await first.record(withdrawal(5));
    const rounds = await Promise.all([first.deliverDue(), second.deliverDue()]);
    expect(rounds.map((round) => round.delivered).sort()).toEqual([0, 1]);
    expect(webhook.received).toHaveLength(1);
  });

  it('closes, untried, an event for a service without a registered address', async () => {
    await world.registry.setWebhookUrl(CLIENT, undefined);
    try {
      const outbox = outboxOn();
      await outbox.record(withdrawal(6));
      expect(await outbox.deliverDue()).toEqual({ pending: 0, delivered: 0, abandoned: 1 });
      expect(webhook.received).toHaveLength(0);
      expect(await latest()).toMatchObject({ attempts: 0, last_outcome: 'aucune adresse de notification enregistrée', next_attempt_at: null });
    } finally {
      await world.registry.setWebhookUrl(CLIENT, webhookUrl);
    }
  });
});
