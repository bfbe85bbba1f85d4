import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAnchoring, verifyAgainstAnchors } from '../journal/anchors.js';
import { createJournal } from '../journal/journal.js';
import { purgeExpiredJustificatifs } from '../justificatif/retention.js';
import { latestSpEvents } from '../notifications/event-outbox.js';
import { createInstructors } from '../onboarding/instructors.js';
import { createRegistry } from '../registry/registry.service.js';
import { seedVariables } from '../registry/seed.js';
import { runCli } from './commands.js';

/** `npm run cli -- …`: the operator's commands, on the database DATABASE_URL names. */
try {
  const config = loadConfig(process.env);
  const db = openDatabase(config.database);
  try {
    await migrateToLatest(db);
    const journalKey = Buffer.from(config.journal.key, 'base64url');
    const journal = createJournal(db, journalKey);
    process.exitCode = await runCli(process.argv.slice(2), {
      registry: createRegistry(db, { allowLocalHttp: config.env !== 'production' }),
      journal,
      verify: (files) => verifyAgainstAnchors(db, journalKey, files),
      anchoring: createAnchoring({ db, key: journalKey, file: config.journal.anchorFile }),
      anchorFile: config.journal.anchorFile,
      purgeRetention: () => purgeExpiredJustificatifs(db, journal),
      out: (line) => console.log(line),
      latestEvents: (clientId) => latestSpEvents(db, clientId),
      instructors: createInstructors(db, config.instructorEmails),
      seedVariables: seedVariables(config),
    });
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
