import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { TestBrowser } from './helpers/browser.js';
import { journalVerify, type LogLine, type PortalProcess, startPortalProcess } from './helpers/cluster.js';
import { textOf } from './helpers/html.js';
import { decide, reachConsentPage, transmittedToNewServiceProvider } from './helpers/service-provider.js';

const servedRequest = (line: LogLine) => line.req !== undefined && line.res !== undefined;

/** The workers that served the requests matching `pattern` ("METHOD /path"). */
const workersServing = (logs: LogLine[], pattern: RegExp) =>
  logs.filter((line) => servedRequest(line) && pattern.test(`${line.req?.method} ${line.req?.path}`)).map((line) => line.worker);

// npm start with WEB_CONCURRENCY=2, as a process of its own: on SQLite, two processes write to one file.
describe('the portal on two worker processes sharing its port', () => {
  let portal: PortalProcess;
  let db: Kysely<Database>;

  beforeAll(async () => {
    portal = await startPortalProcess(2);
    db = openDatabase(portal.databaseUrl);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await portal?.stop();
  });

  it('applies the seed and keeps the periodic work in one worker only', () => {
    const seeded = portal.logs.filter((line) => line.msg === 'fichier d’amorçage appliqué');
    expect(seeded.map((line) => line.worker)).toEqual([0]);
    expect(
      portal.logs
        .filter((line) => line.msg === 'portail démarré')
        .map((line) => line.worker)
        .sort(),
    ).toEqual([0, 1]);
  });

  it('completes a journey whose steps land on both workers', async () => {
    const citizen = new TestBrowser();
    const demoSp = portal.demoSpUrl;
    const consent = await reachConsentPage(citizen, new URL('/connexion', demoSp), demoSp);
    const { callback } = await decide(citizen, consent, 'transmettre', demoSp);
    const result = await citizen.visit(callback);
    expect(textOf(result.body)).toContain('signature de Passerelle Particulier vérifiée');
    expect(textOf(result.body)).toMatch(/Votre tarif : 2,40\s€ par repas/);

    // Each request came on a new connection, and the primary hands connections out in turn.
    const steps = [
      /^GET \/oidc\/auth$/,
      /^GET \/connexion\/franceconnect\/callback$/,
      /^POST \/demande\/[^/]+\/apercu$/,
      /^POST \/demande\/[^/]+\/decision$/,
      /^POST \/oidc\/token$/,
      /^GET \/api\/v1\/justificatif$/,
    ];
    const served = steps.flatMap((step) => workersServing(portal.logs, step));
    expect(served).toHaveLength(steps.length);
    expect(new Set(served)).toEqual(new Set([0, 1]));
    expect(portal.logs.filter((line) => servedRequest(line) && (line.res?.status ?? 0) >= 500)).toEqual([]);
  }, 60_000);

  it('keeps the journal one valid chain while both workers write to it at once', async () => {
    const { accessToken } = await transmittedToNewServiceProvider(portal.publicUrl, createRegistry(db, { allowLocalHttp: true }), {
      clientId: 'several-workers-sp',
      purpose: 'Vérifier le journal sous écritures concurrentes de deux processus.',
      spOrigin: 'http://localhost:4997',
    });
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('journal_entry')
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const before = await count();
    const reads = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${portal.publicUrl}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}` } }).then(async (answer) => {
          await answer.arrayBuffer();
          return answer.status;
        }),
      ),
    );
    expect(reads.filter((status) => status !== 200)).toEqual([]);
    expect(new Set(workersServing(portal.logs, /^GET \/api\/v1\/justificatif$/))).toEqual(new Set([0, 1]));
    const after = await count();
    expect(after - before).toBe(40);
    expect(await journalVerify(portal.databaseUrl, [portal.anchorFile])).toMatch(
      new RegExp(`Journal intègre : ${after} entrée\\(s\\), chaînage et sceaux vérifiés`),
    );
  }, 60_000);

  it('replaces a worker that dies, periodic work included, and goes on serving meanwhile', async () => {
    const started = (worker: number) => portal.logs.filter((line) => line.msg === 'portail démarré' && line.worker === worker);
    const [first] = started(0);
    process.kill(Number(first?.pid), 'SIGKILL');
    // A connection handed to a worker at the very instant it dies is lost (until the proxy's timeout): node:cluster
    // gives it back to no one. Once the primary has seen the death, the other worker takes every connection.
    await portal.logged((line) => line.msg === 'processus de travail arrêté ; un autre le remplace' && line.worker === 0);
    const health = async () => {
      const statuses: number[] = [];
      for (let request = 0; request < 6; request += 1) {
        const answer = await fetch(`${portal.publicUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
        statuses.push(answer.status);
      }
      return statuses;
    };
    expect(await health()).toEqual([200, 200, 200, 200, 200, 200]);
    await portal.logged(() => started(0).length === 2);
    // The new worker 0 took over the periodic work (the seed again, idempotent) and its share of the connections.
    expect(portal.logs.filter((line) => line.msg === 'fichier d’amorçage appliqué').map((line) => line.worker)).toEqual([0, 0]);
    const served = portal.logs.length;
    expect(await health()).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(workersServing(portal.logs.slice(served), /^GET \/healthz$/))).toEqual(new Set([0, 1]));
  }, 90_000);

  it('stops every worker on SIGTERM and exits cleanly', async () => {
    expect(await portal.stop()).toBe(0);
    expect(portal.logs.filter((line) => line.msg === 'arrêt demandé').length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
