import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { createPortalMailer, openMigratedDatabase, startLocalUpstreams, startPortalNode } from './server.js';

/**
 * WEB_CONCURRENCY processes on one port, through node:cluster: the primary hands each new connection to a worker in
 * turn. Any step of a journey may land on any worker, as on the nodes of a deployment: sessions, interactions, tokens
 * and the journal are in the database, and what a worker keeps in memory (lookups, rate limits, circuit breakers)
 * is what a node keeps (README, « Plusieurs processus »).
 */

type Message = { type: 'role?' } | { type: 'role'; index: number } | { type: 'ready' };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The primary: migrates the database once, runs the local upstreams (development), starts worker 0 alone (it applies
 * the seed and keeps the periodic work), then the others; replaces a worker that dies after it has served, and on
 * stop() asks every worker to finish its requests before stopping the upstreams.
 */
export async function startPrimary(config: Config, logger: Logger): Promise<Stoppable> {
  await (await openMigratedDatabase(config, logger)).destroy();
  const upstreams = await startLocalUpstreams(config, logger);
  // Workers run no upstream of their own and send mail where the primary's catcher listens, unless SMTP_URL is set.
  const env: Record<string, string> = { LOCAL_UPSTREAMS: 'false' };
  if (config.mail.smtpUrl === undefined && upstreams.mailCatcher !== undefined) env.SMTP_URL = upstreams.mailCatcher.smtpUrl;

  let stopping = false;
  const workers = new Map<number, Worker>();
  const fork = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(env);
      workers.set(index, worker);
      let ready = false;
      worker.on('message', (message: unknown) => {
        if (!isMessage(message)) return;
        if (message.type === 'role?') worker.send({ type: 'role', index } satisfies Message);
        if (message.type === 'ready') {
          ready = true;
          resolve();
        }
      });
      worker.on('exit', (code, signal) => {
        if (workers.get(index) === worker) workers.delete(index);
        if (stopping) return;
        // One that cannot start (configuration, database) would fail again: the primary stops rather than loop.
        if (!ready) {
          reject(new Error(`Le processus de travail ${index} s’est arrêté pendant son démarrage (${signal ?? `code ${code}`}).`));
          return;
        }
        logger.error({ worker: index, code, signal }, 'processus de travail arrêté ; un autre le remplace');
        fork(index).catch((error: unknown) => logger.error({ err: error, worker: index }, 'processus de travail impossible à remplacer'));
      });
    });

  let demoServiceProvider: Awaited<ReturnType<typeof upstreams.startDemoServiceProvider>>;
  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...workers.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all([upstreams.stop(), demoServiceProvider?.close()]);
  };
  try {
    await fork(0);
    await Promise.all(Array.from({ length: config.http.workers - 1 }, (_, index) => fork(index + 1)));
  } catch (error) {
    await stop();
    throw error;
  }
  demoServiceProvider = await upstreams.startDemoServiceProvider();
  logger.info({ url: config.http.publicUrl, workers: config.http.workers }, 'portail démarré sur plusieurs processus');
  return { stop };
}

/** A worker: asks the primary for its rank, then serves the portal on the shared port; worker 0 keeps the periodic work. */
export async function startWorker(config: Config, logger: Logger): Promise<Stoppable> {
  const index = await new Promise<number>((resolve) => {
    const listener = (message: unknown) => {
      if (!isMessage(message) || message.type !== 'role') return;
      process.off('message', listener);
      resolve(message.index);
    };
    process.on('message', listener);
    process.send?.({ type: 'role?' } satisfies Message);
  });
  const workerLogger = logger.child({ worker: index, pid: process.pid });
  const node = await startPortalNode(config, workerLogger, {
    mailer: createPortalMailer(config, workerLogger, undefined),
    maintenance: index === 0,
  });
  process.send?.({ type: 'ready' } satisfies Message);
  return node;
}
