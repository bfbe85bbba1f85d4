import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentTable } from './env-table.js';

describe('README', () => {
  it('shows the variable table generated from the schema (run npm run docs:env after a change)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(environmentTable());
  });
});
