import { describe, expect, it } from 'vitest';
import { tokenDigest } from './token-digest.js';

describe('token digest', () => {
  it('is stable, one-way looking and distinct per value', () => {
    const value = 'Xq3vT8m2Lr0pN5sK9wY1zA4bC7dE6fG2hJ8kM0nP3qR';
    expect(tokenDigest(value)).toBe(tokenDigest(value));
    expect(tokenDigest(value)).not.toContain(value.slice(0, 8));
    expect(tokenDigest(value)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenDigest(`${value}x`)).not.toBe(tokenDigest(value));
  });
});
