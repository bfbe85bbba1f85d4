import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../http/logger.js';
import { createSmtpMailer } from '../../mail/mailer.js';
import { startMailCatcher } from '../local-upstreams.js';
import { createMessageStore } from './message-store.js';

const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', MAIL_CATCHER_SMTP_PORT: '0', MAIL_CATCHER_WEB_PORT: '0' });
const catcher = await startMailCatcher(config, createLogger('silent'), undefined);
afterAll(() => catcher.close());
const mailer = createSmtpMailer({ url: catcher.smtpUrl, from: config.mail.from });
const page = async (path: string) => {
  const response = await fetch(`${catcher.web.origin}${path}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe('the local mail catcher', () => {
  it('receives what the mailer sends and lists it, newest first, with its date, recipient and subject', async () => {
    await mailer.send({ to: 'angela.dubois@exemple.fr', subject: 'Premier courriel', text: 'Un' });
    await mailer.send({ to: 'leon.roy@exemple.fr', subject: 'Votre justificatif est prêt', text: 'Bonjour,\nvotre justificatif est prêt.' });

    const { messages } = (await (await fetch(`${catcher.web.origin}/messages.json`)).json()) as { messages: Array<Record<string, unknown>> };
    // A text-only message is its body as sent, which ends with a line break.
    expect(messages.slice(0, 2)).toMatchObject([
      { to: ['leon.roy@exemple.fr'], subject: 'Votre justificatif est prêt', text: 'Bonjour,\nvotre justificatif est prêt.\n' },
      { to: ['angela.dubois@exemple.fr'], subject: 'Premier courriel', text: 'Un\n' },
    ]);
    expect(messages[0]?.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const list = await page('/');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<html lang="fr"');
    expect(list.text).toContain('<caption>2 courriels, du plus récent au plus ancien</caption>');
    expect(list.text).toMatch(/<td>leon\.roy@exemple\.fr<\/td>\s*<td><a href="\/messages\/\d+">Votre justificatif est prêt<\/a><\/td>/);
    expect(list.text.indexOf('Votre justificatif est prêt')).toBeLessThan(list.text.indexOf('Premier courriel'));

    const message = await page(`/messages/${messages[0]?.id}`);
    expect(message.status).toBe(200);
    expect(message.text).toContain('<h1>Votre justificatif est prêt</h1>');
    expect(message.text).toContain('<pre>Bonjour,\nvotre justificatif est prêt.\n</pre>');
    expect(message.text).not.toContain('<iframe');
  });

  it('shows an HTML part only in a sandboxed frame with a strict policy, and as escaped source', async () => {
    await mailer.send({
      to: 'angela.dubois@exemple.fr',
      subject: 'Avec HTML',
      text: 'Version texte',
      html: '<p>Bonjour</p><script>parent.alert(1)</script><img src="https://traceur.exemple/pixel.gif">',
    });
    const { messages } = (await (await fetch(`${catcher.web.origin}/messages.json`)).json()) as { messages: Array<{ id: string }> };
    const id = messages[0]?.id;

    const message = await page(`/messages/${id}`);
    expect(message.text).toContain(`<iframe src="/messages/${id}/html" sandbox title="Version HTML du courriel : Avec HTML"`);
    expect(message.text).toContain('&lt;script&gt;parent.alert(1)&lt;/script&gt;');
    expect(message.text).not.toContain('<script>parent');

    const html = await page(`/messages/${id}/html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = html.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('sandbox');
    expect(policy).not.toContain('script-src');
  });

  it('says a message is not kept any more', async () => {
    const missing = await page('/messages/999999');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<h1>Courriel introuvable</h1>');
    expect((await page('/messages/999999/html')).status).toBe(404);
  });
});

describe('the catcher’s memory', () => {
  it('keeps the last 200 messages, newest first', () => {
    const store = createMessageStore();
    for (let index = 1; index <= 205; index += 1)
      store.add({ from: 'a@exemple.fr', to: ['b@exemple.fr'], subject: `n° ${index}`, text: '', html: undefined });
    const kept = store.list();
    expect(kept).toHaveLength(200);
    expect(kept[0]?.subject).toBe('n° 205');
    expect(kept.at(-1)?.subject).toBe('n° 6');
    expect(store.find(kept[0]?.id ?? '')?.subject).toBe('n° 205');
  });
});
