import type { RequestHandler } from 'express';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import type { Journal } from '../journal/journal.js';
import type { Justificatifs } from '../justificatif/justificatifs.js';
import { normaliseReference, REFERENCE_PATTERN } from '../justificatif/reference.js';
import type { Registry } from '../registry/registry.service.js';
import { verificationView } from './verification.view-model.js';

export interface VerificationDependencies {
  justificatifs: Pick<Justificatifs, 'find' | 'open'>;
  registry: Pick<Registry, 'findServiceProvider'>;
  journal: Journal;
  checksPerMinute: number;
}

/**
 * GET /verifier?numero=PP-…: anyone holding a printed justificatif learns whether it exists, is valid and unaltered,
 * and what lets them compare the paper with it, without personal data beyond what the paper carries. A plain GET: no
 * session. Each check is journaled for the recipient organisation, without who checked; guessing numbers is slowed
 * down per address.
 */
export function verificationRoutes({ justificatifs, registry, journal, checksPerMinute }: VerificationDependencies) {
  const verify: RequestHandler = async (req, res) => {
    const input = typeof req.query.numero === 'string' ? req.query.numero.slice(0, 100) : '';
    if (input.trim() === '') return res.render('verifier/verifier.njk', { numero: '' });
    const numero = normaliseReference(input);
    if (!REFERENCE_PATTERN.test(numero)) {
      return res.status(400).render('verifier/verifier.njk', { numero: input, error: 'Le numéro doit avoir ce format : PP-2026-XXXX-XXXX.' });
    }
    const justificatif = await justificatifs.find(numero);
    const sp = justificatif === undefined ? undefined : await registry.findServiceProvider(justificatif.clientId);
    const opened = justificatif === undefined || sp === undefined ? undefined : await justificatifs.open(justificatif);
    await journal.append({
      type: 'verification.checked',
      actor: 'public',
      organisationId: sp?.organisation_id ?? null,
      subject: justificatif === undefined ? `reference:${numero}` : `justificatif:${justificatif.id}`,
      data: { result: opened?.state ?? 'unknown' },
    });
    if (justificatif === undefined || sp === undefined || opened === undefined)
      return res.status(404).render('verifier/verifier.njk', { numero, result: { kind: 'unknown' } });
    res.render('verifier/verifier.njk', {
      numero,
      result: verificationView(justificatif, opened, { organisation: sp.organisation_name, procedure: sp.procedure_name }),
    });
  };
  return routerFrom([{ method: 'get', path: '/verifier', guards: [formRateLimit(checksPerMinute)], handler: verify } satisfies Route]);
}
