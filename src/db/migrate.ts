import { type Kysely, type Migration, Migrator } from 'kysely';
import * as sessions from './migrations/001-sessions.js';
import * as registry from './migrations/002-registry-and-authorization.js';
import * as justificatifs from './migrations/003-justificatifs.js';
import * as journalAndAgents from './migrations/004-journal-and-agents.js';
import * as citizenSpace from './migrations/005-citizen-space.js';
import * as journalAppendOnly from './migrations/006-journal-append-only.js';
import * as justificatifOutcome from './migrations/007-justificatif-outcome.js';
import * as agentsDailyWork from './migrations/008-agents-daily-work.js';
import * as habilitationDerivations from './migrations/009-habilitation-derivations.js';
import * as household from './migrations/010-household.js';
import * as habilitationCallModes from './migrations/011-habilitation-call-modes.js';
import * as serviceProviderEvents from './migrations/012-service-provider-events.js';
import * as habilitationRequests from './migrations/013-habilitation-requests.js';
import * as prolongationsAndReminders from './migrations/014-prolongations-and-reminders.js';
import * as serviceCredentials from './migrations/015-service-credentials.js';
import * as serviceEnvironments from './migrations/016-service-environments.js';
import * as justificatifLookups from './migrations/017-justificatif-lookups.js';
import type { Database } from './schema.js';

// A static list: tsx, vitest and the compiled build all find the migrations without scanning folders.
const MIGRATIONS: Record<string, Migration> = {
  '001-sessions': sessions,
  '002-registry-and-authorization': registry,
  '003-justificatifs': justificatifs,
  '004-journal-and-agents': journalAndAgents,
  '005-citizen-space': citizenSpace,
  '006-journal-append-only': journalAppendOnly,
  '007-justificatif-outcome': justificatifOutcome,
  '008-agents-daily-work': agentsDailyWork,
  '009-habilitation-derivations': habilitationDerivations,
  '010-household': household,
  '011-habilitation-call-modes': habilitationCallModes,
  '012-service-provider-events': serviceProviderEvents,
  '013-habilitation-requests': habilitationRequests,
  '014-prolongations-and-reminders': prolongationsAndReminders,
  '015-service-credentials': serviceCredentials,
  '016-service-environments': serviceEnvironments,
  '017-justificatif-lookups': justificatifLookups,
};

/** Brings the schema to the latest version; returns the names of the migrations applied now. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new Error('Échec de la migration de la base de données', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
