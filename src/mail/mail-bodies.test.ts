import { describe, expect, it } from 'vitest';
import { mailBodies } from './mail-bodies.js';

describe('a message’s bodies', () => {
  it('says the same in text and HTML, escaping what was written and linking the addresses', () => {
    const { text, html } = mailBodies(['Bonjour <Inès> & co,', 'Connectez-vous : https://passerelle.example/fournisseurs?a=1&b=2.']);
    expect(text).toBe('Bonjour <Inès> & co,\n\nConnectez-vous : https://passerelle.example/fournisseurs?a=1&b=2.');
    expect(html).toContain('<p>Bonjour &lt;Inès&gt; &amp; co,</p>');
    expect(html).toContain(
      '<a href="https://passerelle.example/fournisseurs?a=1&amp;b=2">https://passerelle.example/fournisseurs?a=1&amp;b=2</a>.</p>',
    );
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
  });
});
