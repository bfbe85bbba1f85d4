import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { type OpenPort, openPort } from '../../src/http/listen.js';
import { createLogger } from '../../src/http/logger.js';
import { type RunningServices, startServices } from '../../src/server.js';
import { createTestDatabase } from './database.js';
import { closedPort, type Stack, stackEnvironment, startStack } from './stack.js';

export type NodeName = 'A' | 'B';

export interface Served {
  node: NodeName;
  method: string;
  path: string;
  status: number;
  /** Why the balancer could not get an answer (its 502). */
  error?: string;
}

/**
 * A load balancer in front of the portal's nodes, as a reverse proxy would be: it forwards each request to the node
 * `route` names (round robin when it names none), with X-Forwarded-For and X-Forwarded-Proto, and records who served
 * what.
 */
export async function startBalancer(port: OpenPort, nodes: () => Record<NodeName, string>) {
  const served: Served[] = [];
  let route: (method: string, path: string) => NodeName | undefined = () => undefined;
  let turn = 0;
  port.attach((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const node = route(method, path) ?? (turn++ % 2 === 0 ? 'A' : 'B');
    const target = new URL(path, nodes()[node]);
    // A connection per request: a kept-alive connection that the node closes just as a request leaves would read as a
    // node failure (ECONNRESET), which real balancers retry and this one would not.
    const upstream = forward(
      target,
      { method, agent: false, headers: { ...incoming.headers, 'x-forwarded-for': incoming.socket.remoteAddress ?? '', 'x-forwarded-proto': 'http' } },
      (answer) => {
        served.push({ node, method, path: path.split('?')[0] ?? path, status: answer.statusCode ?? 0 });
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      served.push({ node, method, path, status: 502, error: String(error) });
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
      else outgoing.destroy();
    });
    incoming.pipe(upstream);
  });
  return {
    served,
    routeWith(next: typeof route) {
      route = next;
    },
  };
}

/**
 * A TCP relay between the nodes and PostgreSQL that can be cut: existing connections are dropped and new ones
 * closed at once, as when the server restarts or the network fails, until it is restored.
 */
export async function startCuttableRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createTcpServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type Relay = Awaited<ReturnType<typeof startCuttableRelay>>;

export interface Cluster {
  /** The balancer's address: the deployment's PUBLIC_URL. */
  publicUrl: string;
  /** The shared database, reached directly: around the relay when there is one. */
  databaseUrl: string;
  relay: Relay | undefined;
  nodes: Record<NodeName, string>;
  /** Each node's own file of journal anchors, and what makes both nodes anchor now (as they do every few minutes). */
  anchorFiles: string[];
  anchorNow(): Promise<void>;
  /** Node A's stack: it also runs the local FranceConnect, ProConnect, sandbox and demo service provider. */
  stack: Stack;
  served: Served[];
  /** Sends the matching requests to one node; the others alternate. */
  routeWith(route: (method: string, path: string) => NodeName | undefined): void;
  stop(): Promise<void>;
}

/**
 * Two portal nodes sharing one database, keys and secrets, behind a balancer: what a deployment of several nodes
 * looks like, on 127.0.0.1. `viaRelay` puts a cuttable relay between the nodes and PostgreSQL.
 */
export async function startCluster(options: { viaRelay?: boolean } = {}): Promise<Cluster> {
  const balancerPort = await openPort('127.0.0.1', 0);
  const database = await createTestDatabase();
  const direct = new URL(database.url);
  const relay = options.viaRelay ? await startCuttableRelay({ host: direct.hostname, port: Number(direct.port) }) : undefined;
  const nodesUrl = new URL(database.url);
  if (relay !== undefined) nodesUrl.port = String(relay.port);
  const nodes: Record<NodeName, string> = { A: '', B: '' };
  const balancer = await startBalancer(balancerPort, () => nodes);
  const shared = {
    PUBLIC_URL: balancerPort.origin,
    TRUST_PROXY: '1',
    DATABASE_URL: nodesUrl.toString(),
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
  };
  const stack = await startStack(shared, undefined, database);
  nodes.A = stack.portalUrl;
  const portB = await openPort('127.0.0.1', 0);
  const anchorFileB = join(database.directory, 'journal-anchors-B.jsonl');
  const configB = loadConfig({ ...stack.env, PORT: String(portB.port), LOCAL_UPSTREAMS: 'false', JOURNAL_ANCHOR_FILE: anchorFileB });
  const nodeB: RunningServices = await startServices(configB, createLogger(configB.log.level), { portal: portB });
  nodes.B = portB.origin;
  return {
    publicUrl: balancerPort.origin,
    databaseUrl: database.url,
    nodes,
    anchorFiles: [stack.config.journal.anchorFile, anchorFileB],
    async anchorNow() {
      await stack.services.anchoring.anchor();
      await nodeB.anchoring.anchor();
    },
    stack,
    relay,
    served: balancer.served,
    routeWith: balancer.routeWith,
    async stop() {
      await balancerPort.close();
      await nodeB.stop();
      await stack.stop();
      await relay?.close();
    },
  };
}

/** journal verify against the given anchors, as an operator runs it. */
export async function journalVerify(databaseUrl: string, anchorFiles: string[]): Promise<string> {
  const anchors = anchorFiles.flatMap((file) => ['--ancres', file]);
  const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'cli', '--', 'journal', 'verify', ...anchors], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  });
  return stdout.trim();
}

/** A line of the portal's logs (pino's JSON). */
export type LogLine = { msg?: string; worker?: number; pid?: number; req?: { method: string; path: string }; res?: { status: number } } & Record<
  string,
  unknown
>;

export interface PortalProcess {
  /** The balancer's address, the deployment's PUBLIC_URL: it opens a new connection to the portal per request. */
  publicUrl: string;
  demoSpUrl: string;
  databaseUrl: string;
  anchorFile: string;
  logs: LogLine[];
  /** Resolves with the first log line (past or to come) that `matches`. */
  logged(matches: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` as an operator runs it, with WEB_CONCURRENCY=`workers`, in its own process, behind a balancer that opens
 * a connection per request: node:cluster hands each connection to the next worker, so consecutive steps of a journey
 * land on different workers. The logs are read from the process's output (LOG_LEVEL=info).
 */
export async function startPortalProcess(
  workers: number,
  /** `balancer: false` lets clients connect to the port directly (the bench's keep-alive connections). */
  options: { balancer?: boolean; env?: Record<string, string> } = {},
): Promise<PortalProcess> {
  const balanced = options.balancer ?? true;
  const balancerPort = balanced ? await openPort('127.0.0.1', 0) : undefined;
  const database = await createTestDatabase();
  const ports = {
    portal: await closedPort(),
    franceconnect: await closedPort(),
    demoServiceProvider: await closedPort(),
    sandbox: await closedPort(),
    proconnect: await closedPort(),
  };
  const portalUrl = `http://127.0.0.1:${ports.portal}`;
  const publicUrl = balancerPort?.origin ?? portalUrl;
  const env = stackEnvironment(ports, database, {
    LOG_LEVEL: 'info',
    WEB_CONCURRENCY: String(workers),
    PUBLIC_URL: publicUrl,
    TRUST_PROXY: balanced ? '1' : '0',
    ...options.env,
  });
  if (balancerPort !== undefined) await startBalancer(balancerPort, () => ({ A: portalUrl, B: portalUrl }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
  const logs: LogLine[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      logs.push(JSON.parse(text) as LogLine);
    } catch {
      return; // not one of pino's lines
    }
    for (const check of waiting) check();
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logged = (matches: (line: LogLine) => boolean, timeoutMs = 60_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const line = logs.find(matches);
        if (line === undefined) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(line);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`ligne de journal attendue, absente après ${timeoutMs} ms ; sortie d’erreur :\n${stderr}`));
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  let stopped: Promise<number | null> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await balancerPort?.close();
      await database.drop();
      return code;
    })();
    return stopped;
  };
  try {
    await Promise.race([
      new Promise((resolve) => child.on('message', (message) => message === 'ready' && resolve(message))),
      exited.then((code) => Promise.reject(new Error(`le portail s’est arrêté (code ${code}) :\n${stderr}`))),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    publicUrl,
    demoSpUrl: env.DEMO_SP_URL ?? '',
    databaseUrl: database.url,
    anchorFile: env.JOURNAL_ANCHOR_FILE ?? '',
    logs,
    logged,
    stop,
  };
}
