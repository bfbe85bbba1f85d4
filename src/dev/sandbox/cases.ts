import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const errorObject = z.object({ code: z.string(), title: z.string(), detail: z.string() });

const caseFileSchema = z.object({
  /** The identity (or identifier) route; none for an API served only with a FranceConnect token. */
  route: z.string().startsWith('/v3/').optional(),
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

export type CaseFile = z.infer<typeof caseFileSchema> & { name: string };

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
 * The case for a person known by their whole identity pivot (FranceConnect mode): each route's cases name only the
 * parameters it takes (some take no birthplace, no usage name), so the identity is cut to each case's own names.
 */
export function caseForIdentity<Case extends { params: Record<string, unknown> }>(
  cases: Case[],
  identity: Record<string, unknown>,
  extra: Record<string, string> = {},
): Case | undefined {
  const wanted = { ...identity, ...extra };
  return cases.find((candidate) => {
    const names = Object.keys(candidate.params).map((name) => name.replace(/\[\]$/, ''));
    return (
      matchingKey(Object.fromEntries(names.filter((name) => name in wanted).map((name) => [name, wanted[name]]))) === matchingKey(candidate.params)
    );
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
