import type { RequestHandler } from 'express';
import { type Route, routerFrom } from '../http/route-table.js';
import type { Justificatifs } from '../justificatif/justificatifs.js';
import { normaliseReference, REFERENCE_PATTERN } from '../justificatif/reference.js';
import type { Registry } from '../registry/registry.service.js';
import { frenchDate } from '../wording/dates.fr.js';

/**
 * GET /verifier?numero=PP-…: anyone holding a printed justificatif learns whether it exists, is valid and unaltered,
 * and who issued it for whom, without any personal data. A plain GET: nothing changes, no session is created.
 */
export function verificationRoutes(justificatifs: Pick<Justificatifs, 'find' | 'open'>, registry: Pick<Registry, 'findServiceProvider'>) {
  const verify: RequestHandler = async (req, res) => {
    const input = typeof req.query.numero === 'string' ? req.query.numero : '';
    if (input.trim() === '') return res.render('verifier/verifier.njk', { numero: '' });
    const numero = normaliseReference(input);
    if (!REFERENCE_PATTERN.test(numero)) {
      return res.status(400).render('verifier/verifier.njk', { numero: input, error: 'Le numéro doit avoir ce format : PP-2026-XXXX-XXXX.' });
    }
    const justificatif = await justificatifs.find(numero);
    const sp = justificatif === undefined ? undefined : await registry.findServiceProvider(justificatif.clientId);
    if (justificatif === undefined || sp === undefined)
      return res.status(404).render('verifier/verifier.njk', { numero, result: { kind: 'unknown' } });
    const opened = await justificatifs.open(justificatif);
    res.render('verifier/verifier.njk', {
      numero,
      result: {
        kind: opened.state,
        issuedAt: frenchDate(justificatif.issuedAt),
        organisation: sp.organisation_name,
        procedure: sp.procedure_name,
        purgedAt: justificatif.purgedAt === null ? undefined : frenchDate(justificatif.purgedAt),
        withdrawnAt: justificatif.withdrawnAt === null ? undefined : frenchDate(justificatif.withdrawnAt),
      },
    });
  };
  return routerFrom([{ method: 'get', path: '/verifier', guards: [], handler: verify } satisfies Route]);
}
