import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * The portal's instructors, by the e-mail of their ProConnect account: those INSTRUCTOR_EMAILS lists, and those the
 * operators add with the CLI. Read on every request, so that a removal applies at once.
 */
export function createInstructors(db: Kysely<Database>, configured: readonly string[], now = Date.now) {
  const listed = new Set(configured.map((email) => email.toLowerCase()));
  return {
    async isInstructor(email: string): Promise<boolean> {
      const lower = email.toLowerCase();
      return listed.has(lower) || (await db.selectFrom('instructor').select('email').where('email', '=', lower).executeTakeFirst()) !== undefined;
    },
    async add(email: string): Promise<void> {
      await db
        .insertInto('instructor')
        .values({ email: email.toLowerCase(), added_at: now() })
        .onConflict((conflict) => conflict.column('email').doNothing())
        .execute();
    },
    /** Whether the address was one the CLI had added (those of the configuration stay). */
    async remove(email: string): Promise<boolean> {
      const result = await db.deleteFrom('instructor').where('email', '=', email.toLowerCase()).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async list(): Promise<Array<{ email: string; source: 'configuration' | 'ligne de commande' }>> {
      const added = await db.selectFrom('instructor').select('email').orderBy('email').execute();
      return [
        ...[...listed].sort().map((email) => ({ email, source: 'configuration' as const })),
        ...added.filter((row) => !listed.has(row.email)).map((row) => ({ email: row.email, source: 'ligne de commande' as const })),
      ];
    },
  };
}

export type Instructors = ReturnType<typeof createInstructors>;
