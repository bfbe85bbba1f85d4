/**
 * `npm run bench`: what one node does, as ratios to a bare Express handler measured in the same run (absolute
 * numbers on shared machines are noise). Starts the real servers on loopback, each in a process of its own
 * (bench/server.ts), drives them from this one with autocannon and with virtual citizens, so that the load never
 * shares the measured server's event loop, prints a table and writes bench/results/<date>.json. Options: --duration (s), --connections,
 * --concurrency (virtual citizens), --tokens, --memory-flows, --profile. `npm run bench:postgres` runs it on a throwaway PostgreSQL.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { TestBrowser } from '../test/helpers/browser.js';
import { onPostgres } from '../test/helpers/database.js';
import { formsOf, formWithAction } from '../test/helpers/html.js';
import { decide, reachConsentPage, serviceProviderClient } from '../test/helpers/service-provider.js';
import { BENCH_SP_ORIGIN, BENCH_WORKERS, type BenchServer, type FromBench } from './protocol.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '8' },
    tokens: { type: 'string', default: '200' },
    'memory-flows': { type: 'string', default: '10000' },
    /** Profiles the portal's process (node --cpu-prof) into bench/profiles; `npm run bench:profile` summarises it. */
    profile: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const concurrency = Number(values.concurrency);

interface Row {
  name: string;
  unit: 'req/s' | 'flows/s';
  rate: number;
  p50: number;
  p99: number;
  failures: number;
  /** Requests or flows completed. */
  count: number;
  /** CPU time of the measured server's process per request or flow (ms), when the row measured one process. */
  serverCpuMs?: number;
  /** The same for the portal's local upstreams (their own process) and for this process, the load generator. */
  upstreamsCpuMs?: number;
  generatorCpuMs?: number;
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
    count: result.requests.total,
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
  return {
    name,
    unit: 'flows/s',
    rate: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
    count: latencies.length,
  };
}

/** Starts one of bench/server.ts's servers in its own process; its memory is read there, after a full GC. */
async function serverProcess(role: 'portal' | 'portal-workers' | 'express' | 'oidc-provider') {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [role], {
    execArgv: ['--expose-gc', '--import', 'tsx', ...(values.profile && role === 'portal' ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromBench['type']>(type: T) =>
    new Promise<Extract<FromBench, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromBench) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<FromBench, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`serveur du banc « ${role} » arrêté (code ${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { server } = await next('ready');
  return {
    server,
    async memory() {
      const answer = next('memory');
      child.send({ type: 'memory' });
      return answer;
    },
    /**
     * A row measured on this server alone, with the CPU time its process spent per request or flow: less disturbed
     * than a rate by what else runs on a shared machine, and it leaves out the load generator and the upstreams.
     */
    async measured(row: () => Promise<Row>): Promise<Row> {
      const cpu = async () => {
        const answer = next('cpu');
        child.send({ type: 'cpu' });
        const { user, system } = process.cpuUsage();
        return { ...(await answer), generatorMs: (user + system) / 1000 };
      };
      const before = await cpu();
      const measuredRow = await row();
      const after = await cpu();
      const per = (spent: number) => spent / Math.max(1, measuredRow.count);
      return {
        ...measuredRow,
        serverCpuMs: per(after.ms - before.ms),
        upstreamsCpuMs: after.upstreamsMs === undefined || before.upstreamsMs === undefined ? undefined : per(after.upstreamsMs - before.upstreamsMs),
        generatorCpuMs: per(after.generatorMs - before.generatorMs),
      };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** One virtual citizen: authorize → FranceConnect → consent → preview → transmit → token → data API; the access token. */
async function citizenFlow(server: BenchServer): Promise<() => Promise<string>> {
  const sp = await serviceProviderClient(server.issuer, server.clientId, { secret: server.clientSecret }, `${BENCH_SP_ORIGIN}/callback`);
  return async () => {
    const browser = new TestBrowser();
    const { url, checks } = await sp.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants');
    const { callback } = await decide(browser, await reachConsentPage(browser, url, BENCH_SP_ORIGIN), 'transmettre', BENCH_SP_ORIGIN);
    const tokens = await sp.redeem(callback, checks);
    const response = await fetch(`${server.url}/api/v1/justificatif`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (response.status !== 200) throw new Error(`API ${response.status}`);
    await response.arrayBuffer();
    return tokens.access_token;
  };
}

/** Access tokens of `--tokens` transmissions, for the data API's rows. */
async function preparedTokens(flow: () => Promise<string>): Promise<string[]> {
  console.log(`Préparation : ${values.tokens} parcours pour obtenir autant de jetons…`);
  const tokens: string[] = [];
  await flows('préparation', async () => void tokens.push(await flow()), concurrency, { count: Number(values.tokens) });
  return tokens;
}

async function main() {
  const portal = await serverProcess('portal');
  const { server } = portal;
  const portalFlow = await citizenFlow(server);
  const tokens = await preparedTokens(portalFlow);
  const sp = await serviceProviderClient(server.issuer, server.clientId, { secret: server.clientSecret }, `${BENCH_SP_ORIGIN}/callback`);

  const rows: Row[] = [];
  const base = await serverProcess('express');
  rows.push(await base.measured(() => http('(a) référence : Express nu, petit JSON', base.server.url)));
  await base.stop();
  rows.push(await portal.measured(() => http('(b) GET /api/v1/justificatif (jetons variés)', `${server.url}/api/v1/justificatif`, {}, tokens)));
  rows.push(
    await portal.measured(() =>
      http('(c) GET /v3/dss/quotient_familial/france_connect', `${server.url}/v3/dss/quotient_familial/france_connect`, {}, tokens),
    ),
  );

  const citizen = new TestBrowser();
  const { url: consentUrl } = await sp.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants');
  const consentPage = await reachConsentPage(citizen, consentUrl, BENCH_SP_ORIGIN);
  rows.push(
    await portal.measured(() =>
      http('(d) page de consentement, usager connecté', consentPage.url.href, { cookie: citizen.cookieHeaderFor(consentPage.url) }),
    ),
  );

  rows.push(
    await portal.measured(() =>
      flows(`(e) parcours complets, ${concurrency} usagers à la fois`, async () => void (await portalFlow()), concurrency, { seconds: duration }),
    ),
  );

  const anchor = await serverProcess('oidc-provider');
  const anchorSp = await serviceProviderClient(
    anchor.server.issuer,
    anchor.server.clientId,
    { secret: anchor.server.clientSecret },
    `${BENCH_SP_ORIGIN}/callback`,
  );
  const anchorFlow = async () => {
    const browser = new TestBrowser();
    const { url, checks } = await anchorSp.authorizationUrl('openid');
    let page = await browser.visit(url, {}, (next) => next.origin === BENCH_SP_ORIGIN);
    for (let step = 0; step < 3 && page.chain.at(-1)?.origin !== BENCH_SP_ORIGIN; step += 1) {
      const form = formsOf(page.body).find((f) => f.method === 'post') ?? formWithAction(page.body, /interaction/);
      page = await browser.visit(
        new URL(form.action, page.url),
        { form: { ...form.fields, login: 'usager', password: 'x' } },
        (next) => next.origin === BENCH_SP_ORIGIN,
      );
    }
    await anchorSp.redeem(page.chain.at(-1) as URL, checks);
  };
  rows.push(
    await anchor.measured(() => flows(`(f) ancre : oidc-provider seul, ${concurrency} à la fois`, anchorFlow, concurrency, { seconds: duration })),
  );
  await anchor.stop();

  const memoryFlows = Number(values['memory-flows']);
  const { rss: rssBefore, heapUsed: heapBefore } = await portal.memory();
  console.log(`Mémoire : ${memoryFlows} parcours complets…`);
  const memoryRun = await flows('mémoire', async () => void (await portalFlow()), concurrency, { count: memoryFlows });
  // The JS heap tells a leak of our objects (it grows) from memory the allocator keeps without using (only RSS grows).
  const { rss: rssAfter, heapUsed: heapAfter } = await portal.memory();
  await portal.stop();

  // The same node on BENCH_WORKERS processes sharing its port (WEB_CONCURRENCY), the load generator still apart.
  const workers = await serverProcess('portal-workers');
  const workersFlow = await citizenFlow(workers.server);
  const workersTokens = await preparedTokens(workersFlow);
  const apiUrl = `${workers.server.url}/api/v1/justificatif`;
  rows.push(await http(`(g) GET /api/v1/justificatif, ${BENCH_WORKERS} processus`, apiUrl, {}, workersTokens));
  rows.push(
    await flows(
      `(h) parcours complets, ${BENCH_WORKERS} processus, ${concurrency} usagers à la fois`,
      async () => void (await workersFlow()),
      concurrency,
      {
        seconds: duration,
      },
    ),
  );
  await workers.stop();

  const reference = rows[0]?.rate ?? 1;
  const rowOf = (letter: string) => rows.find((r) => r.name.startsWith(`(${letter})`));
  const portalRow = rowOf('e');
  const anchorRow = rowOf('f');
  const portalFlows = portalRow?.rate ?? 0;
  const anchorFlows = anchorRow?.rate ?? 1;
  const workersFlows = rowOf('h')?.rate ?? 0;
  const dataApi = rowOf('b')?.rate ?? 0;
  const portalFlowCpu = portalRow?.serverCpuMs ?? 0;
  const anchorFlowCpu = anchorRow?.serverCpuMs ?? 0;
  const ms = (value: number | undefined) => (value ?? 0).toFixed(1);
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
    '| mesure | débit | p50 (ms) | p99 (ms) | rapport à (a) | échecs | CPU du serveur (ms par requête ou parcours) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rate.toFixed(1)} ${r.unit} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.rate / reference).toFixed(3)} | ${r.failures} | ${r.serverCpuMs === undefined ? '—' : r.serverCpuMs.toFixed(r.unit === 'req/s' ? 3 : 1)} |`,
    ),
    '',
    `(b) / (a) = ${(dataApi / reference).toFixed(2)} (objectif ≥ 0,35, visé 0,5). (e) / (f) = ${(portalFlows / anchorFlows).toFixed(2)} (objectif ≥ 0,5, visé 0,6) ; (h) / (f) = ${(workersFlows / anchorFlows).toFixed(2)}. CPU par parcours : ${ms(portalFlowCpu)} ms pour le portail, ${ms(anchorFlowCpu)} ms pour oidc-provider seul (${(anchorFlowCpu / Math.max(portalFlowCpu, 0.001)).toFixed(2)}) ; en (e), ${ms(portalRow?.upstreamsCpuMs)} ms pour les services locaux et ${ms(portalRow?.generatorCpuMs)} ms pour le générateur de charge, ${ms(anchorRow?.generatorCpuMs)} ms pour lui en (f). Mémoire : RSS ${(rssBefore / 2 ** 20).toFixed(0)} Mio avant, ${(rssAfter / 2 ** 20).toFixed(0)} Mio après ${memoryRun.failures === 0 ? memoryFlows : `${memoryFlows} (dont ${memoryRun.failures} échecs)`} parcours complets : ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} Mio de plus (objectif < 50) ; tas JavaScript ${(heapBefore / 2 ** 20).toFixed(0)} → ${(heapAfter / 2 ** 20).toFixed(0)} Mio.`,
  ];
  console.log(`\n${lines.join('\n')}`);
  const file = `bench/results/${new Date().toISOString().slice(0, 10)}${onPostgres ? '-postgresql' : ''}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, options: { duration, connections, concurrency }, rows, ratioDataApi: dataApi / reference, ratioFlows: portalFlows / anchorFlows, cpuPerFlow: { portal: portalFlowCpu, anchor: anchorFlowCpu }, ratioFlowsWorkers: workersFlows / anchorFlows, memory: { flows: memoryFlows, rssBefore, rssAfter, heapBefore, heapAfter, failures: memoryRun.failures }, table: lines }, null, 2)}\n`,
  );
  console.log(`\nRésultats écrits dans ${file}`);
}

await main();
