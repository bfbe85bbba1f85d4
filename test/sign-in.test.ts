import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './helpers/browser.js';
import { textOf } from './helpers/html.js';
import { signIn, signOut } from './helpers/journeys.js';
import { type Stack, startStack } from './helpers/stack.js';

describe('sign-in smoke', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('signs in as test/123 and out', async () => {
    const browser = new TestBrowser();
    const page = await signIn(browser, stack.portalUrl);
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain('Angela Claire Louise DUBOIS');
    const out = await signOut(browser, stack.portalUrl);
    expect(out.chain.map(String).join('\n')).toContain('/deconnexion/callback');
    expect(textOf(out.body)).toContain('Vous êtes déconnecté(e)');
  });
});
