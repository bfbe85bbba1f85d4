import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { findByReference } from '../agent/agent-justificatif.repository.js';
import type { Database } from '../db/schema.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { frenchDate } from '../wording/values.fr.js';
import type { Gateway } from './gateway.service.js';
import { normaliseReference, REFERENCE_PATTERN } from '../justificatif/reference.js';

/**
 * GET /verifier?numero=PP-…: anyone holding a printed justificatif learns whether it exists, is valid and unaltered,
 * and who issued it for whom, without any personal data. A plain GET: nothing changes, no session is created.
 */
export function verificationRoutes(db: Kysely<Database>, gateway: Gateway) {
  const verify: RequestHandler = async (req, res) => {
    const input = typeof req.query.numero === 'string' ? req.query.numero : '';
    if (input.trim() === '') return res.render('verifier/verifier.njk', { numero: '' });
    const numero = normaliseReference(input);
    if (!REFERENCE_PATTERN.test(numero)) {
      return res.status(400).render('verifier/verifier.njk', { numero: input, error: 'Le numéro doit avoir ce format : PP-2026-XXXX-XXXX.' });
    }
    const row = await findByReference(db, numero);
    if (row === undefined) return res.status(404).render('verifier/verifier.njk', { numero, result: { kind: 'unknown' } });
    const opened = await gateway.open(row);
    res.render('verifier/verifier.njk', {
      numero,
      result: {
        kind: opened.state,
        issuedAt: frenchDate(new Date(row.issued_at).toISOString()),
        organisation: row.organisation_name,
        procedure: row.procedure_name,
        purgedAt: row.purged_at === null ? undefined : frenchDate(new Date(row.purged_at).toISOString()),
        withdrawnAt: row.withdrawn_at === null ? undefined : frenchDate(new Date(row.withdrawn_at).toISOString()),
      },
    });
  };
  return routerFrom([{ method: 'get', path: '/verifier', guards: [], handler: verify } satisfies Route]);
}
