import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './http/logger.js';
import { startServices } from './server.js';
import { startPrimary, startWorker } from './workers.js';

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log.level);
  const running = cluster.isWorker
    ? await startWorker(config, logger)
    : config.http.workers > 1
      ? await startPrimary(config, logger)
      : await startServices(config, logger);
  // A process manager that started us with a channel (PM2's wait_ready, a test, the bench) learns that we serve.
  if (!cluster.isWorker) process.send?.('ready');
  // Ctrl-C reaches the primary and its workers alike, and the primary then asks its workers again: stop once.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'arrêt demandé');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'arrêt incomplet');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
