/**
 * `npm run bench`: what one node does, as ratios to a bare Express handler measured in the same run (absolute
 * numbers on shared machines are noise). Starts the real servers on loopback, drives them with autocannon and with
 * virtual citizens, prints a table and writes bench/results/<date>.json. Options: --duration (s), --connections,
 * --concurrency (virtual citizens), --tokens, --memory-flows. `npm run bench:postgres` runs it on a throwaway PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import express from 'express';
import Provider from 'oidc-provider';
import { openDatabase } from '../src/db/database.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { TestBrowser } from '../test/helpers/browser.js';
import { onPostgres } from '../test/helpers/database.js';
import { formsOf, formWithAction } from '../test/helpers/html.js';
import { decide, reachConsentPage, serviceProviderClient, type TestServiceProvider } from '../test/helpers/service-provider.js';
import { startStack } from '../test/helpers/stack.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '8' },
    tokens: { type: 'string', default: '200' },
    'memory-flows': { type: 'string', default: '10000' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const concurrency = Number(values.concurrency);
const SP_ORIGIN = 'http://localhost:4990';

interface Row {
  name: string;
  unit: 'req/s' | 'flows/s';
  rate: number;
  p50: number;
  p99: number;
  failures: number;
}

async function http(name: string, url: string, headers: Record<string, string> = {}, rotate?: string[]): Promise<Row> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    headers,
    requests:
      rotate === undefined
        ? undefined
        : [
            {
              setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${rotate[next++ % rotate.length]}` } }),
            },
          ],
  });
  return {
    name,
    unit: 'req/s',
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs `flow` with `workers` at a time until `count` flows or `seconds` have passed; latency per flow. */
async function flows(name: string, flow: () => Promise<void>, workers: number, limit: { count?: number; seconds?: number }): Promise<Row> {
  const latencies: number[] = [];
  let failures = 0;
  let started = 0;
  const deadline = limit.seconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + limit.seconds * 1000;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline && (limit.count === undefined || started < limit.count)) {
        started += 1;
        const t = performance.now();
        try {
          await flow();
          latencies.push(performance.now() - t);
        } catch (error) {
          failures += 1;
          if (failures === 1) console.error(`${name} : échec`, error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, unit: 'flows/s', rate: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
}

/** (a) The baseline: a bare Express handler returning a small JSON, on the same machine, in the same run. */
async function baseline(): Promise<{ url: string; close: () => void }> {
  const app = express();
  app.get('/', (_req, res) => void res.json({ status: 'ok' }));
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

/** (f) The anchor: oidc-provider alone, in memory, with its development login and consent forms. */
async function bareProvider(): Promise<{ sp: TestServiceProvider; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = randomBytes(32).toString('hex');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ancre',
        client_secret: secret,
        redirect_uris: [`${SP_ORIGIN}/callback`],
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
  return { sp: await serviceProviderClient(issuer, 'ancre', { secret }, `${SP_ORIGIN}/callback`), close: () => server.close() };
}

async function main() {
  // The limits protect a national service from one client; here they would only measure themselves.
  const stack = await startStack({ LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '100000000' });
  const db = openDatabase(stack.config.database);
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: '13000999900017', name: 'Banc d’essai' });
  const { clientSecret } = await registry.createServiceProvider({
    siret: '13000999900017',
    clientId: 'sp-banc',
    displayName: 'Banc d’essai',
    procedureName: 'Mesure',
    redirectUris: [`${SP_ORIGIN}/callback`],
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
  const sp = await serviceProviderClient(stack.config.authorization.issuer, 'sp-banc', { secret: clientSecret ?? '' }, `${SP_ORIGIN}/callback`);

  /** (e) One virtual citizen: authorize → FranceConnect → consent → preview → transmit → token → data API. */
  const portalFlow = async (): Promise<string> => {
    const browser = new TestBrowser();
    const { url, checks } = await sp.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants');
    const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    const tokens = await sp.redeem(callback, checks);
    const response = await fetch(`${stack.portalUrl}/api/v1/justificatif`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (response.status !== 200) throw new Error(`API ${response.status}`);
    await response.arrayBuffer();
    return tokens.access_token;
  };

  console.log(`Préparation : ${values.tokens} parcours pour obtenir autant de jetons…`);
  const tokens: string[] = [];
  await flows('préparation', async () => void tokens.push(await portalFlow()), concurrency, { count: Number(values.tokens) });

  const rows: Row[] = [];
  const base = await baseline();
  rows.push(await http('(a) référence : Express nu, petit JSON', base.url));
  base.close();
  rows.push(await http('(b) GET /api/v1/justificatif (jetons variés)', `${stack.portalUrl}/api/v1/justificatif`, {}, tokens));
  rows.push(await http('(c) GET /v3/dss/quotient_familial/france_connect', `${stack.portalUrl}/v3/dss/quotient_familial/france_connect`, {}, tokens));

  const citizen = new TestBrowser();
  const { url: consentUrl } = await sp.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants');
  const consentPage = await reachConsentPage(citizen, consentUrl, SP_ORIGIN);
  rows.push(await http('(d) page de consentement, usager connecté', consentPage.url.href, { cookie: citizen.cookieHeaderFor(consentPage.url) }));

  rows.push(
    await flows(`(e) parcours complets, ${concurrency} usagers à la fois`, async () => void (await portalFlow()), concurrency, { seconds: duration }),
  );

  const anchor = await bareProvider();
  const anchorFlow = async () => {
    const browser = new TestBrowser();
    const { url, checks } = await anchor.sp.authorizationUrl('openid');
    let page = await browser.visit(url, {}, (next) => next.origin === SP_ORIGIN);
    for (let step = 0; step < 3 && page.chain.at(-1)?.origin !== SP_ORIGIN; step += 1) {
      const form = formsOf(page.body).find((f) => f.method === 'post') ?? formWithAction(page.body, /interaction/);
      page = await browser.visit(
        new URL(form.action, page.url),
        { form: { ...form.fields, login: 'usager', password: 'x' } },
        (next) => next.origin === SP_ORIGIN,
      );
    }
    await anchor.sp.redeem(page.chain.at(-1) as URL, checks);
  };
  rows.push(await flows(`(f) ancre : oidc-provider seul, ${concurrency} à la fois`, anchorFlow, concurrency, { seconds: duration }));
  anchor.close();

  const memoryFlows = Number(values['memory-flows']);
  (globalThis as { gc?: () => void }).gc?.();
  const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
  console.log(`Mémoire : ${memoryFlows} parcours complets…`);
  const memoryRun = await flows('mémoire', async () => void (await portalFlow()), concurrency, { count: memoryFlows });
  (globalThis as { gc?: () => void }).gc?.();
  // The JS heap tells a leak of our objects (it grows) from memory the allocator keeps without using (only RSS grows).
  const { rss: rssAfter, heapUsed: heapAfter } = process.memoryUsage();

  const reference = rows[0]?.rate ?? 1;
  const portalFlows = rows.find((r) => r.name.startsWith('(e)'))?.rate ?? 0;
  const anchorFlows = rows.find((r) => r.name.startsWith('(f)'))?.rate ?? 1;
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'inconnu',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    database: onPostgres ? 'PostgreSQL' : 'SQLite',
  };
  const lines = [
    `Machine : ${machine.cpus} cœurs (${machine.cpu}), ${machine.memoryGiB} Gio, Node ${machine.node}, ${machine.database} ; ${duration} s par mesure, ${connections} connexions, ${concurrency} usagers virtuels.`,
    '',
    '| mesure | débit | p50 (ms) | p99 (ms) | rapport à (a) | échecs |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rate.toFixed(1)} ${r.unit} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.rate / reference).toFixed(3)} | ${r.failures} |`,
    ),
    '',
    `(e) / (f) = ${(portalFlows / anchorFlows).toFixed(2)} (objectif ≥ 0,6). Mémoire : RSS ${(rssBefore / 2 ** 20).toFixed(0)} Mio avant, ${(rssAfter / 2 ** 20).toFixed(0)} Mio après ${memoryRun.failures === 0 ? memoryFlows : `${memoryFlows} (dont ${memoryRun.failures} échecs)`} parcours complets : ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} Mio de plus (objectif < 50) ; tas JavaScript ${(heapBefore / 2 ** 20).toFixed(0)} → ${(heapAfter / 2 ** 20).toFixed(0)} Mio.`,
  ];
  console.log(`\n${lines.join('\n')}`);
  const file = `bench/results/${new Date().toISOString().slice(0, 10)}${onPostgres ? '-postgresql' : ''}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, options: { duration, connections, concurrency }, rows, ratioFlows: portalFlows / anchorFlows, memory: { flows: memoryFlows, rssBefore, rssAfter, heapBefore, heapAfter, failures: memoryRun.failures }, table: lines }, null, 2)}\n`,
  );
  console.log(`\nRésultats écrits dans ${file}`);
  await db.destroy();
  await stack.stop();
}

await main();
