import { readFileSync, writeFileSync } from 'node:fs';
import { environmentTable } from '../config/env-table.js';

// `npm run docs:env` prints the table; `npm run docs:env -- --write` replaces it in README.md.
const table = environmentTable();
if (process.argv.includes('--write')) {
  const readme = new URL('../../README.md', import.meta.url);
  const lines = readFileSync(readme, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('| variable | rôle |'));
  if (start < 0) throw new Error('tableau des variables introuvable dans README.md');
  let end = start;
  while (end < lines.length && lines[end]?.startsWith('|')) end += 1;
  lines.splice(start, end - start, ...table.split('\n'));
  writeFileSync(readme, lines.join('\n'));
} else {
  console.log(table);
}
