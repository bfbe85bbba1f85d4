import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './http/logger.js';
import { startServices } from './server.js';

try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log.level);
  const services = await startServices(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'arrêt demandé');
    services.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'arrêt incomplet');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
