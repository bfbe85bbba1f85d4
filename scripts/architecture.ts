/**
 * The code's structure as rules, read from the sources themselves: which folder may import which (by floor: a folder
 * imports only folders on lower floors, so there is no cycle), which folder owns each table, no static import of the
 * development mocks from production code, and a unit test beside the logic of every folder.
 * `npm run architecture` prints the figures and the broken rules; test/architecture.test.ts fails on any broken rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each folder of src/ with its floor; "." is the composition root (server.ts, workers.ts, portal.ts, main.ts). */
export const FLOORS: Record<string, number> = {
  crypto: 0,
  wording: 0,
  catalogue: 0,
  db: 1,
  config: 2,
  journal: 2,
  signing: 2,
  http: 3,
  mail: 3,
  registry: 4,
  'oidc-client': 4,
  franceconnect: 5,
  notifications: 5,
  sources: 6,
  justificatif: 7,
  gateway: 8,
  transmission: 9,
  authorization: 10,
  citizen: 10,
  agent: 10,
  statistics: 10,
  information: 10,
  onboarding: 10,
  cli: 11,
  dev: 11,
  '.': 12,
};

/** The one folder that reads and writes each table (migrations aside). */
export const TABLE_OWNERS: Record<string, string> = {
  session: 'db',
  organisation: 'registry',
  service_provider: 'registry',
  habilitation: 'registry',
  agent: 'registry',
  consent: 'transmission',
  oidc_payload: 'authorization',
  signing_key: 'signing',
  justificatif: 'justificatif',
  withdrawn_token: 'justificatif',
  justificatif_search: 'justificatif',
  justificatif_reading: 'justificatif',
  justificatif_concerned: 'justificatif',
  journal_entry: 'journal',
  sp_event: 'notifications',
  habilitation_notice: 'notifications',
  habilitation_request: 'onboarding',
  habilitation_request_event: 'onboarding',
  instructor: 'onboarding',
  credential_handover: 'onboarding',
};

export interface SourceFile {
  path: string;
  folder: string;
  text: string;
  test: boolean;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of src/ a path inside it belongs to (`agent` for src/agent/x.ts); "." for the files at its top. */
export const folderOf = (pathInsideSrc: string): string => {
  const inside = pathInsideSrc.split('/');
  return inside.length > 1 ? (inside[0] ?? '.') : '.';
};

export function readSources(base = join(root, 'src')): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        files.push({
          path: relative(root, path),
          folder: folderOf(relative(base, path)),
          text: readFileSync(path, 'utf8'),
          test: entry.name.endsWith('.test.ts'),
        });
      }
    }
  };
  walk(base);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export interface Import {
  from: SourceFile;
  target: string;
  folder: string;
  dynamic: boolean;
}

export function importsOf(file: SourceFile): Import[] {
  const found: Import[] = [];
  for (const match of file.text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)) {
    const spec = match[1] ?? match[2];
    if (spec === undefined) continue;
    const target = normalize(join(dirname(file.path), spec)).replace(/\.js$/, '.ts');
    if (!target.startsWith('src/')) continue;
    found.push({ from: file, target, folder: folderOf(relative('src', target)), dynamic: match[2] !== undefined });
  }
  return found;
}

/** Each table's columns, read from the database's type (src/db/schema.ts). */
export function columnsByTable(schema = readFileSync(join(root, 'src/db/schema.ts'), 'utf8')): Map<string, Set<string>> {
  const interfaces = new Map<string, Set<string>>();
  for (const match of schema.matchAll(/export interface (\w+Table) \{([^}]*)\}/g)) {
    interfaces.set(match[1] ?? '', new Set([...(match[2] ?? '').matchAll(/^\s*(\w+)\??:/gm)].map((column) => column[1] ?? '')));
  }
  const tables = new Map<string, Set<string>>();
  for (const match of (/export interface Database \{([^}]*)\}/.exec(schema)?.[1] ?? '').matchAll(/(\w+): (\w+);/g)) {
    tables.set(match[1] ?? '', interfaces.get(match[2] ?? '') ?? new Set());
  }
  return tables;
}

const COLUMNS = columnsByTable();
const KYSELY_TABLE = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto)\(\s*'(\w+)/g;

/** Tables named in Kysely calls or as qualified columns ('justificatif.reference'), not in words like 'justificatif.fetched'. */
export function tablesOf(file: SourceFile): Set<string> {
  const tables = new Set<string>();
  for (const match of file.text.matchAll(KYSELY_TABLE)) tables.add(match[1] ?? '');
  for (const [, table = '', column = ''] of file.text.matchAll(/'(\w+)\.(\w+)(?: as \w+)?'/g)) if (COLUMNS.get(table)?.has(column)) tables.add(table);
  return tables;
}

export interface Report {
  violations: string[];
  folders: Array<{ folder: string; files: number; lines: number; tests: number; testLines: number }>;
  edges: Map<string, number>;
}

export function analyse(files = readSources()): Report {
  const violations: string[] = [];
  const edges = new Map<string, number>();
  const logic = files.filter((file) => !file.test);
  for (const file of logic) {
    if (FLOORS[file.folder] === undefined) violations.push(`${file.path} : dossier ${file.folder}/ sans étage dans FLOORS`);
    for (const imported of importsOf(file)) {
      if (imported.folder === file.folder) continue;
      const key = `${file.folder} -> ${imported.folder}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
      const [floor, target] = [FLOORS[file.folder], FLOORS[imported.folder]];
      if (floor !== undefined && target !== undefined && target >= floor) {
        violations.push(
          `${file.path} importe ${imported.target} : ${file.folder}/ (étage ${floor}) ne doit pas dépendre de ${imported.folder}/ (étage ${target})`,
        );
      }
      if (imported.folder === 'dev' && file.folder !== 'dev' && !imported.dynamic) {
        violations.push(`${file.path} importe ${imported.target} statiquement : dev/ ne se charge que par import() hors production`);
      }
    }
    if (!file.path.startsWith('src/db/migrations/')) {
      for (const table of tablesOf(file)) {
        const owner = TABLE_OWNERS[table];
        if (owner !== undefined && owner !== file.folder) violations.push(`${file.path} lit ou écrit la table ${table}, qui appartient à ${owner}/`);
      }
    }
  }
  const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const folders = [...new Set(files.map((file) => file.folder))].sort().map((folder) => {
    const own = files.filter((file) => file.folder === folder);
    const code = own.filter((file) => !file.test);
    const tests = own.filter((file) => file.test);
    return {
      folder,
      files: code.length,
      lines: code.reduce((sum, file) => sum + lines(file.text), 0),
      tests: tests.length,
      testLines: tests.reduce((sum, file) => sum + lines(file.text), 0),
    };
  });
  for (const folder of folders) {
    if (folder.folder !== '.' && folder.files > 0 && folder.tests === 0)
      violations.push(`${folder.folder}/ n’a aucun test unitaire à côté de sa logique`);
  }
  return { violations, folders, edges };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const report = analyse();
  console.log('| dossier | fichiers | lignes | fichiers de test | lignes de test |\n| --- | --- | --- | --- | --- |');
  for (const f of report.folders) console.log(`| ${f.folder}/ | ${f.files} | ${f.lines} | ${f.tests} | ${f.testLines} |`);
  const total = [...report.edges.values()].reduce((sum, n) => sum + n, 0);
  console.log(`\nImports entre dossiers : ${total}, sur ${report.edges.size} paires de dossiers`);
  if (process.argv.includes('--edges')) for (const [edge, n] of [...report.edges].sort()) console.log(`  ${edge} ${n}`);
  console.log(
    report.violations.length === 0
      ? '\nAucune règle enfreinte.'
      : `\n${report.violations.length} règle(s) enfreinte(s) :\n- ${report.violations.join('\n- ')}`,
  );
  process.exitCode = report.violations.length === 0 ? 0 : 1;
}
