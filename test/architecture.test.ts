import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse, FLOORS, folderOf, importsOf, readSources, type SourceFile, TABLE_OWNERS, tablesOf } from '../scripts/architecture.js';

const file = (path: string, text: string): SourceFile => ({ path, folder: folderOf(path.slice('src/'.length)), text, test: false });

describe('the code’s structure', () => {
  it('keeps every rule: floors without cycles, one owner per table, no mocks in production, tests beside the logic', () => {
    expect(analyse().violations).toEqual([]);
  });

  it('gives every folder of src/ a floor, and the README’s map names each of them', () => {
    const folders = new Set(readSources().map((source) => source.folder));
    expect([...folders].filter((folder) => FLOORS[folder] === undefined)).toEqual([]);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const map = readme.slice(readme.indexOf('## Organisation du code'));
    expect(Object.keys(FLOORS).filter((folder) => folder !== '.' && !map.includes(`| ${FLOORS[folder]} | \`src/${folder}/\` |`))).toEqual([]);
  });

  it('would see an import that runs back up, a table read outside its owner, and a static import of dev/', () => {
    const files = [
      file('src/http/bad.ts', "import { x } from '../agent/agent-space.js';\nimport { y } from './ok.js';\n"),
      file('src/agent/reads.ts', "export const q = (db) => db.selectFrom('justificatif').select('justificatif.reference');\n"),
      file('src/registry/mock.ts', "import { m } from '../dev/sandbox/sandbox.js';\n"),
      file('src/lazy.ts', "const m = await import('./dev/sandbox/sandbox.js');\n"),
      file('src/registry/words.ts', "export const type = 'justificatif.fetched';\n"),
    ];
    const { violations } = analyse(files);
    expect(violations.some((v) => v.startsWith('src/http/bad.ts importe src/agent/agent-space.ts'))).toBe(true);
    expect(violations.some((v) => v.startsWith('src/agent/reads.ts lit ou écrit la table justificatif'))).toBe(true);
    expect(violations.some((v) => v.startsWith('src/registry/mock.ts importe src/dev/sandbox/sandbox.ts statiquement'))).toBe(true);
    expect(violations.some((v) => v.includes('lazy.ts'))).toBe(false);
    expect(violations.some((v) => v.includes('words.ts'))).toBe(false);
    expect(importsOf(files[3] as SourceFile)).toMatchObject([{ target: 'src/dev/sandbox/sandbox.ts', dynamic: true }]);
    expect(tablesOf(files[1] as SourceFile)).toEqual(new Set(['justificatif']));
    expect(Object.keys(TABLE_OWNERS)).toContain('justificatif');
  });
});
