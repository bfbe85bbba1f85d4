import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueTable } from '../catalogue/catalogue-table.js';
import { environmentTable } from '../config/env-table.js';

describe('README', () => {
  it('shows the variable table generated from the schema (run npm run docs:readme -- --write after a change)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(environmentTable());
  });

  it('shows the catalogue’s APIs with their routes and call modes (run npm run docs:readme -- --write after a change)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(catalogueTable());
  });
});
