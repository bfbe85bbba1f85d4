import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Response } from 'express';
import { z } from 'zod';
import { useViews } from '../../http/views.js';
import { isValidSiret } from '../../registry/siret.js';

const errorObject = z.object({ code: z.string(), title: z.string(), detail: z.string() });

const caseFileSchema = z.object({
  route: z.string().startsWith('/v3/'),
  provider: z.string(),
  not_found: errorObject,
  cases: z.array(
    z.object({
      title: z.string(),
      params: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
      status: z.number().int(),
      payload: z.unknown(),
      delay_ms: z.number().int().min(0).optional(),
      retry_after: z.number().int().min(0).optional(),
    }),
  ),
});

type CaseFile = z.infer<typeof caseFileSchema> & { name: string };

export const DEFAULT_CASES_DIR = fileURLToPath(new URL('./cases', import.meta.url));

export function loadCaseFiles(directory: string): CaseFile[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = caseFileSchema.safeParse(JSON.parse(readFileSync(join(directory, file), 'utf8')));
      if (!parsed.success)
        throw new Error(`cas du bac à sable ${file} invalides : ${parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join('; ')}`);
      return { ...parsed.data, name: file.replace(/\.json$/, '') };
    });
}

/**
 * The matching key: parameter names without "[]" (a "name[]" parameter is a list even with one value), values
 * lower-cased, order of names irrelevant, recipient left out.
 */
export function matchingKey(params: Record<string, unknown>): string {
  const lower = (value: unknown) => String(value).toLowerCase();
  const entries = Object.entries(params)
    .filter(([name]) => name !== 'recipient')
    .map(([name, value]) => {
      const list = Array.isArray(value) ? value : name.endsWith('[]') ? [value] : undefined;
      return [name.replace(/\[\]$/, ''), list === undefined ? lower(value) : list.map(lower)] as const;
    })
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

const apiError = (res: Response, status: number, code: string, title: string, detail: string) =>
  res.status(status).json({ errors: [{ code, title, detail, source: null, meta: {} }] });

const FAULT_TEXTS: Record<number, { code: string; title: string; detail: string }> = {
  502: { code: '999', title: 'Erreur du fournisseur de données', detail: 'Panne simulée : réponse invalide du fournisseur.' },
  503: { code: '001', title: 'Fournisseur de données indisponible', detail: 'Panne simulée : fournisseur indisponible.' },
  504: { code: '002', title: 'Intermédiaire hors-délai', detail: 'Panne simulée : fournisseur hors délai.' },
};

/**
 * A local API Particulier v3 sandbox that behaves like the real one: Bearer token and recipient checked first,
 * then the case whose parameter set matches exactly, else the route's 404. Faults can be switched on per API to
 * demonstrate a source down.
 */
export function createSandbox(options: { token: string; casesDir?: string }): Express {
  const files = loadCaseFiles(options.casesDir ?? DEFAULT_CASES_DIR);
  const faults = new Map<string, number>();
  const app = express();
  app.disable('x-powered-by');
  useViews(app, { serviceName: 'API Particulier', serviceTagline: 'Bac à sable local' }, { cache: true });

  app.get('/', (_req, res) => res.render('dev/sandbox/accueil.njk', { files, faults: Object.fromEntries(faults) }));
  const faultBody = z.object({ api: z.string(), status: z.coerce.number().pipe(z.union([z.literal(502), z.literal(503), z.literal(504)])) });
  app.post('/_sandbox/pannes', express.urlencoded({ extended: false }), (req, res) => {
    const body = faultBody.safeParse(req.body);
    if (body.success && files.some((file) => file.name === body.data.api)) faults.set(body.data.api, body.data.status);
    res.redirect(303, '/');
  });
  app.post('/_sandbox/pannes/fin', express.urlencoded({ extended: false }), (req, res) => {
    faults.delete(String((req.body as { api?: unknown }).api));
    res.redirect(303, '/');
  });
  app.put('/_sandbox/pannes/:api', express.json(), (req, res) => {
    const body = faultBody.safeParse({ ...req.body, api: req.params.api });
    if (!body.success || !files.some((file) => file.name === body.data.api))
      return res.status(400).json({ error: 'api ou statut inconnu (502, 503, 504)' });
    faults.set(body.data.api, body.data.status);
    res.status(204).end();
  });
  app.delete('/_sandbox/pannes/:api', (req, res) => {
    faults.delete(req.params.api);
    res.status(204).end();
  });

  for (const file of files) {
    const byKey = new Map(file.cases.map((c) => [matchingKey(c.params), c]));
    app.get(file.route, async (req, res) => {
      const requestId = req.get('x-request-id');
      if (requestId !== undefined) res.set('x-request-id', requestId);
      res.set('content-type', 'application/json');
      if (req.get('authorization') !== `Bearer ${options.token}`) {
        return apiError(res, 401, '00101', 'Interdit', 'Votre jeton d’API n’est pas valide ou est absent.');
      }
      const recipient = req.query.recipient;
      if (recipient === undefined) return apiError(res, 422, '00203', 'Entité non processable', 'Le paramètre recipient est obligatoire.');
      if (typeof recipient !== 'string' || !isValidSiret(recipient))
        return apiError(res, 422, '00210', 'Entité non processable', 'Le paramètre recipient n’est pas un numéro SIRET valide.');
      const fault = faults.get(file.name);
      const prefix = file.not_found.code.slice(0, 2);
      if (fault !== undefined) {
        const text = FAULT_TEXTS[fault] ?? FAULT_TEXTS[502];
        return res.status(fault).json({
          errors: [{ code: `${prefix}${text?.code}`, title: text?.title, detail: text?.detail, source: null, meta: { provider: file.provider } }],
        });
      }
      const match = byKey.get(matchingKey(req.query as Record<string, unknown>));
      if (match === undefined) {
        return res.status(404).json({ errors: [{ ...file.not_found, source: null, meta: { provider: file.provider } }] });
      }
      if (match.delay_ms !== undefined) await sleep(match.delay_ms);
      if (match.retry_after !== undefined) res.set('retry-after', String(match.retry_after));
      res.status(match.status).send(JSON.stringify(match.payload));
    });
  }
  return app;
}
