/**
 * One server of the bench in a process of its own, forked by bench/run.ts, so that the load generator never shares its
 * event loop: `portal` (npm start's whole stack on a fresh database, with one service provider and its habilitation),
 * `portal-workers` (the same on WEB_CONCURRENCY processes, rows (g) and (h)), `express` (the bare handler of row (a))
 * or `oidc-provider` (the bare provider of row (f)). It says over IPC where it listens, then answers `memory` (after
 * a full GC) and `stop`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Provider from 'oidc-provider';
import { openDatabase } from '../src/db/database.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { startPortalProcess } from '../test/helpers/cluster.js';
import { startStack } from '../test/helpers/stack.js';
import { BENCH_SP_ORIGIN, BENCH_WORKERS, type BenchServer, type FromBench } from './protocol.js';

const listening = async (server: Server) => {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The bench's service provider and its habilitation, registered in the portal's database; returns its secret. */
async function registerServiceProvider(databaseUrl: string): Promise<string> {
  const db = openDatabase(databaseUrl);
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: '13000999900017', name: 'Banc d’essai' });
  const { clientSecret } = await registry.createServiceProvider({
    siret: '13000999900017',
    clientId: 'sp-banc',
    displayName: 'Banc d’essai',
    procedureName: 'Mesure',
    redirectUris: [`${BENCH_SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId: 'sp-banc',
    scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
    purpose: 'Mesurer les performances du portail.',
    legalBasis: 'Banc d’essai',
    legalReference: 'aucune',
    retentionDays: 1,
    validUntil: addMonths(Date.now(), 1),
  });
  await db.destroy();
  return clientSecret ?? '';
}

// The limits protect a national service from one client; here they would only measure themselves.
const UNLIMITED = { LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '100000000' };

/** npm start's stack in this process, as one node runs it. */
async function portal(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const stack = await startStack(UNLIMITED);
  const clientSecret = await registerServiceProvider(stack.config.database.url);
  return {
    info: { url: stack.portalUrl, issuer: stack.config.authorization.issuer, clientId: 'sp-banc', clientSecret },
    stop: () => stack.stop(),
  };
}

/** npm start with WEB_CONCURRENCY=`BENCH_WORKERS` (a primary and its workers, children of this process), clients connecting directly. */
async function portalWorkers(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const running = await startPortalProcess(BENCH_WORKERS, { balancer: false, env: UNLIMITED });
  const clientSecret = await registerServiceProvider(running.databaseUrl);
  return {
    info: { url: running.publicUrl, issuer: `${running.publicUrl}/oidc`, clientId: 'sp-banc', clientSecret },
    stop: async () => void (await running.stop()),
  };
}

async function bareExpress(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const app = express();
  app.get('/', (_req, res) => void res.json({ status: 'ok' }));
  const server = createServer(app);
  const url = await listening(server);
  return { info: { url: `${url}/`, issuer: '', clientId: '', clientSecret: '' }, stop: async () => void server.close() };
}

/** oidc-provider alone, in memory, with its development login and consent forms. */
async function bareProvider(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const server = createServer();
  const issuer = await listening(server);
  const secret = randomBytes(32).toString('hex');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ancre',
        client_secret: secret,
        redirect_uris: [`${BENCH_SP_ORIGIN}/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 1800, Session: 1800, Grant: 3600 },
  });
  server.on('request', provider.callback());
  return { info: { url: issuer, issuer, clientId: 'ancre', clientSecret: secret }, stop: async () => void server.close() };
}

const ROLES = { portal, 'portal-workers': portalWorkers, express: bareExpress, 'oidc-provider': bareProvider } as const;
const role = process.argv[2] as keyof typeof ROLES;
const send = (message: FromBench) => process.send?.(message);
const running = await ROLES[role]();
process.on('message', async (message: { type: 'memory' | 'stop' }) => {
  if (message.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'memory', rss, heapUsed });
  } else {
    await running.stop();
    process.exit(0);
  }
});
send({ type: 'ready', server: running.info });
