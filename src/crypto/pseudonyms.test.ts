import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPseudonyms } from './pseudonyms.js';

const SECRET = 'un-secret-de-test-de-trente-deux-caracteres';

describe('pseudonyms', () => {
  const pseudonyms = createPseudonyms(SECRET);

  it('keeps the pairwise sub service providers already know', () => {
    const before = createHmac('sha256', SECRET).update('demo-cantine\nsub-citoyen').digest('hex');
    expect(pseudonyms.pairwiseSubject('demo-cantine', 'sub-citoyen')).toBe(before);
  });

  it('gives each service provider, and each organisation, its own pseudonym of the same person', () => {
    expect(pseudonyms.pairwiseSubject('cantine', 'sub-1')).not.toBe(pseudonyms.pairwiseSubject('creche', 'sub-1'));
    expect(pseudonyms.citizenOfOrganisation('org-a', 'sub-1')).not.toBe(pseudonyms.citizenOfOrganisation('org-b', 'sub-1'));
    expect(pseudonyms.citizenOfOrganisation('org-a', 'sub-1')).toBe(createPseudonyms(SECRET).citizenOfOrganisation('org-a', 'sub-1'));
  });

  it('never lets one use reproduce another: same inputs, other use, other value', () => {
    const sub = pseudonyms.pairwiseSubject('agent', 'id-1');
    expect(sub.slice(0, 4).toUpperCase()).not.toBe(pseudonyms.agentNumber('id-1'));
    const joined = pseudonyms.citizenOfOrganisation('agent', 'id-1');
    expect(sub.slice(0, 8).toUpperCase()).not.toBe(joined);
  });

  it('depends on the secret', () => {
    const other = createPseudonyms(`${SECRET}-autre`);
    expect(other.agentNumber('agent-1')).not.toBe(pseudonyms.agentNumber('agent-1'));
    expect(other.pairwiseSubject('sp', 'sub')).not.toBe(pseudonyms.pairwiseSubject('sp', 'sub'));
  });

  it('has the shapes the pages print', () => {
    expect(pseudonyms.pairwiseSubject('sp', 'sub')).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonyms.agentNumber('agent-1')).toMatch(/^[0-9A-F]{4}$/);
    expect(pseudonyms.citizenOfOrganisation('org', 'sub')).toMatch(/^[0-9A-F]{8}$/);
  });
});
