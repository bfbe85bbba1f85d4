import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

try {
  const config = loadConfig(process.env);
  const db = openDatabase(config.database);
  const applied = await migrateToLatest(db);
  await db.destroy();
  console.log(applied.length > 0 ? `Migrations appliquées : ${applied.join(', ')}` : 'Base de données déjà à jour.');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
