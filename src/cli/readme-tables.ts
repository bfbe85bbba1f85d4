import { readFileSync, writeFileSync } from 'node:fs';
import { catalogueTable } from '../catalogue/catalogue-table.js';
import { environmentTable } from '../config/env-table.js';

// `npm run docs:readme` prints the README's generated tables; `npm run docs:readme -- --write` replaces them in it.
const tables = [environmentTable(), catalogueTable()];
if (process.argv.includes('--write')) {
  const readme = new URL('../../README.md', import.meta.url);
  const lines = readFileSync(readme, 'utf8').split('\n');
  for (const table of tables) {
    const header = table.split('\n')[0] ?? '';
    const start = lines.indexOf(header);
    if (start < 0) throw new Error(`tableau introuvable dans README.md : ${header}`);
    let end = start;
    while (end < lines.length && lines[end]?.startsWith('|')) end += 1;
    lines.splice(start, end - start, ...table.split('\n'));
  }
  writeFileSync(readme, lines.join('\n'));
} else {
  console.log(tables.join('\n\n'));
}
