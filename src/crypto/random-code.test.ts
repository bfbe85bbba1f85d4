import { describe, expect, it } from 'vitest';
import { randomCode } from './random-code.js';

describe('random codes', () => {
  it('are made of Crockford’s base32 only, of the length asked, and differ', () => {
    const codes = Array.from({ length: 200 }, () => randomCode(8));
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(codes).size).toBe(200);
  });
});
