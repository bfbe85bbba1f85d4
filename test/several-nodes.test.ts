import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { createRegistry, type Registry } from '../src/registry/registry.service.js';
import { TestBrowser } from './helpers/browser.js';
import { type Cluster, journalVerify, type NodeName, startCluster } from './helpers/cluster.js';
import { onPostgres } from './helpers/database.js';
import { formWithAction, textOf } from './helpers/html.js';
import { decide, reachConsentPage, transmittedToNewServiceProvider } from './helpers/service-provider.js';

if (!onPostgres) console.warn('Plusieurs nœuds : ces tests tournent sur PostgreSQL (npm run test:postgres) ; SQLite ne sert qu’un nœud.');

/** The steps of a flow that must land on a given node; every other request alternates between the two. */
const PLAN: Array<{ step: string; node: NodeName; request: RegExp }> = [
  { step: 'authorize', node: 'A', request: /^GET \/oidc\/auth$/ },
  { step: 'FranceConnect callback', node: 'B', request: /^GET \/connexion\/franceconnect\/callback$/ },
  { step: 'consent', node: 'A', request: /^POST \/demande\/[^/]+\/decision$/ },
  { step: 'token', node: 'B', request: /^POST \/oidc\/token$/ },
  { step: 'data API', node: 'A', request: /^GET \/api\/v1\/justificatif$/ },
  { step: 'agent view', node: 'B', request: /^GET \/agents\/justificatifs\/PP-[^/]+$/ },
];

const SP_ORIGIN = 'http://localhost:4996';

describe.skipIf(!onPostgres)('two portal nodes on one PostgreSQL, behind a balancer', () => {
  let cluster: Cluster;
  let db: Kysely<Database>;

  beforeAll(async () => {
    cluster = await startCluster();
    db = openDatabase(cluster.databaseUrl);
    cluster.routeWith((method, path) => PLAN.find((entry) => entry.request.test(`${method} ${path.split('?')[0]}`))?.node);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await cluster?.stop();
  });

  it('completes a whole flow whose consecutive steps land on alternating nodes', async () => {
    const citizen = new TestBrowser();
    const demoSp = cluster.stack.demoSpUrl;
    const consent = await reachConsentPage(citizen, new URL('/connexion', demoSp), demoSp);
    const { callback } = await decide(citizen, consent, 'transmettre', demoSp);
    const result = await citizen.visit(callback);
    expect(textOf(result.body)).toContain('signature de Passerelle Particulier vérifiée');
    expect(textOf(result.body)).toMatch(/Votre tarif : 2,40\s€ par repas/);

    const { reference } = await db.selectFrom('justificatif').select('reference').executeTakeFirstOrThrow();
    const agent = new TestBrowser();
    const start = await agent.visit(`${cluster.publicUrl}/agents/connexion`);
    const form = formWithAction(start.body, '/agents/connexion/proconnect');
    const proconnect = await agent.visit(new URL(form.action, cluster.publicUrl), { form: form.fields });
    const login = formWithAction(proconnect.body, /\/interaction\/[^/]+\/login$/);
    await agent.visit(new URL(login.action, proconnect.url), { form: { login: 'agent.cantine', password: '123' } });
    const view = await agent.visit(`${cluster.publicUrl}/agents/justificatifs/${reference}`);
    expect(view.status).toBe(200);
    expect(textOf(view.body)).toContain(String(reference));

    for (const { step, node, request } of PLAN) {
      const landed = cluster.served.filter((served) => request.test(`${served.method} ${served.path}`));
      expect(landed.length, step).toBeGreaterThan(0);
      expect(
        landed.map((served) => [served.node, served.status < 400]),
        step,
      ).toEqual(landed.map(() => [node, true]));
    }
    const byNode = (name: NodeName) => cluster.served.filter((served) => served.node === name).length;
    expect(byNode('A')).toBeGreaterThan(5);
    expect(byNode('B')).toBeGreaterThan(5);
    expect(cluster.served.filter((served) => served.status >= 500)).toEqual([]);
    const journaled = await db.selectFrom('journal_entry').select('type').execute();
    expect(journaled.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['consent.transmitted', 'justificatif.fetched', 'agent.signed_in', 'agent.view']),
    );
  });

  const transmittedBy = (registry: Registry, clientId: string, purpose: string) =>
    transmittedToNewServiceProvider(cluster.publicUrl, registry, { clientId, purpose, spOrigin: SP_ORIGIN });

  it('keeps the journal one valid chain while both nodes write to it at once', async () => {
    const { accessToken } = await transmittedBy(
      createRegistry(db, { allowLocalHttp: true }),
      'several-nodes-sp',
      'Vérifier le journal sous écritures concurrentes.',
    );
    const before = await db
      .selectFrom('journal_entry')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();

    // Straight to each node, no balancer: 2 × 60 requests in flight together, each appending to the journal.
    const PER_NODE = 60;
    const statuses = await Promise.all(
      (['A', 'B'] as const).flatMap((node) =>
        Array.from({ length: PER_NODE }, () =>
          fetch(`${cluster.nodes[node]}/api/v1/justificatif`, {
            headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
          }).then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          }),
        ),
      ),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    const after = await db
      .selectFrom('journal_entry')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(after.count) - Number(before.count)).toBe(2 * PER_NODE);
    // Each node anchors the head it sees, in its own file; the anchors are found in the one chain.
    await cluster.anchorNow();
    expect(await journalVerify(cluster.databaseUrl, cluster.anchorFiles)).toMatch(
      new RegExp(
        `^Journal intègre : ${after.count} entrée\\(s\\), chaînage et sceaux vérifiés ; [12] ancre\\(s\\) concordante\\(s\\), la dernière du `,
      ),
    );
  });

  it('stops delivery on a node within the lookup bound (LOOKUP_CACHE_MS) of a revocation made elsewhere', async () => {
    // The operator's CLI: another process, with its own registry, revokes the habilitation.
    const operator = createRegistry(db, { allowLocalHttp: true });
    const { accessToken, habilitation } = await transmittedBy(operator, 'several-nodes-revoked', 'Vérifier la borne de ce que croit un nœud.');
    const readOnB = async () => {
      const response = await fetch(`${cluster.nodes.B}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}` } });
      await response.arrayBuffer();
      return response.status;
    };

    // The clock stands still: node B's memory cannot expire by itself while the test looks at it.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      expect(await readOnB()).toBe(200);
      await operator.revokeHabilitation(habilitation.id);
      // Within the bound, node B still believes what it read: the staleness the README states.
      expect(await readOnB()).toBe(200);
      vi.setSystemTime(Date.now() + cluster.stack.config.lookupCacheMs + 1);
      expect(await readOnB()).toBe(403);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe.skipIf(!onPostgres)('when the database goes away during traffic', () => {
  let cluster: Cluster;
  let direct: Kysely<Database>;

  beforeAll(async () => {
    cluster = await startCluster({ viaRelay: true });
    // The test's own connection bypasses the relay, to look at what the nodes left behind.
    direct = openDatabase(cluster.databaseUrl);
  }, 60_000);
  afterAll(async () => {
    await direct?.destroy();
    await cluster?.stop();
  });

  const readiness = async () => Promise.all((['A', 'B'] as const).map(async (node) => (await fetch(`${cluster.nodes[node]}/readyz`)).status));
  async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`toujours pas : ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** One citizen's whole flow through the demo SP; the justificatif number the service received, or what went wrong. */
  async function flow(): Promise<{ id?: string; failure?: string }> {
    const citizen = new TestBrowser();
    const demoSp = cluster.stack.demoSpUrl;
    try {
      const consent = await reachConsentPage(citizen, new URL('/connexion', demoSp), demoSp);
      const { callback } = await decide(citizen, consent, 'transmettre', demoSp);
      const page = await citizen.visit(callback);
      const id = /Justificatif n° (\S+) reçu, signature de Passerelle Particulier vérifiée/.exec(textOf(page.body))?.[1];
      return id === undefined ? { failure: `${page.status} ${page.url}` } : { id };
    } catch (error) {
      return { failure: String(error) };
    }
  }

  it('fails readiness while it is cut, recovers by itself, and loses or half-writes nothing', async () => {
    const results: Array<{ id?: string; failure?: string; endedAt: number }> = [];
    let running = true;
    const workers = Array.from({ length: 4 }, async () => {
      while (running) {
        const result = await flow();
        results.push({ ...result, endedAt: Date.now() });
        // A person would not retry a thousand times a second.
        if (result.failure !== undefined) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const succeeded = () => results.filter((result) => result.id !== undefined);

    await until(() => succeeded().length >= 4, 'des parcours réussis avant la coupure');
    expect(await readiness()).toEqual([200, 200]);
    cluster.relay?.cut();
    const cutAt = Date.now();
    await until(async () => (await readiness()).every((status) => status === 503), 'readyz à 503 sur les deux nœuds', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    cluster.relay?.restore();
    const restoredAt = Date.now();
    // Nothing restarts the nodes: their pools open new connections on their own.
    await until(async () => (await readiness()).every((status) => status === 200), 'readyz de nouveau à 200');
    await until(
      () => succeeded().filter((result) => result.endedAt > restoredAt).length >= 4,
      'des parcours réussis après le retour de la base',
      30_000,
    );
    running = false;
    await Promise.all(workers);

    expect(results.some((result) => result.failure !== undefined && result.endedAt > cutAt)).toBe(true);
    // People saw the French "service momentanément indisponible" page or the API's 503, never a 500.
    const statuses = cluster.served.map((served) => served.status);
    expect(statuses).toContain(503);
    expect(cluster.served.filter((served) => served.status === 500)).toEqual([]);

    // Every justificatif a service received is stored, with its consent and the journal entry that records it.
    const justificatifs = await direct.selectFrom('justificatif').select(['id', 'consent_id']).execute();
    const consents = await direct.selectFrom('consent').select(['id', 'decision']).execute();
    const journaled = await direct.selectFrom('journal_entry').select(['type', 'subject']).where('type', '=', 'consent.transmitted').execute();
    const stored = new Set(justificatifs.map((row) => row.id));
    for (const { id } of succeeded()) expect(stored.has(String(id)), `justificatif ${id}`).toBe(true);
    // And nothing is half-written: each transmitted consent has exactly one justificatif and one journal entry.
    const transmitted = consents
      .filter((consent) => consent.decision === 'transmitted')
      .map((consent) => consent.id)
      .sort();
    expect(justificatifs.map((row) => row.consent_id).sort()).toEqual(transmitted);
    expect(journaled.map((entry) => entry.subject?.replace(/^consent:/, '')).sort()).toEqual(transmitted);
    expect(transmitted.length).toBeGreaterThanOrEqual(succeeded().length);
    await cluster.anchorNow();
    expect(await journalVerify(cluster.databaseUrl, cluster.anchorFiles)).toMatch(
      /^Journal intègre : \d+ entrée\(s\), chaînage et sceaux vérifiés ; 1 ancre/,
    );
  }, 120_000);
});
