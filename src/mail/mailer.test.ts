import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageStore } from '../dev/mail-catcher/message-store.js';
import { startSmtpReceiver } from '../dev/mail-catcher/smtp-receiver.js';
import { createLogger } from '../http/logger.js';
import { createMailer, createSmtpMailer, MailError } from './mailer.js';

const FROM = 'Passerelle Particulier <ne-pas-repondre@passerelle.localhost>';
const store = createMessageStore();
const catcher = await startSmtpReceiver(store, { host: '127.0.0.1', port: 0, onError: () => {} });
afterAll(() => catcher.close());

/** A port nobody listens on: the catcher's own, once a second catcher has opened and closed it. */
async function closedPort(): Promise<number> {
  const other = await startSmtpReceiver(createMessageStore(), { host: '127.0.0.1', port: 0, onError: () => {} });
  await other.close();
  return other.port;
}

const logLines = () => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger('info', destination) };
};

describe('the SMTP mailer', () => {
  it('delivers a message with its text and HTML parts to an SMTP server', async () => {
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${catcher.port}`, from: FROM });
    await mailer.send({
      to: 'angela.dubois@exemple.fr',
      subject: 'Votre justificatif PP-2026-0001 est prêt',
      text: 'Bonjour,\nvotre justificatif a été transmis à la Mairie d’Exempleville.',
      html: '<p>Bonjour,</p><p>votre justificatif a été transmis.</p>',
    });
    expect(store.list()[0]).toMatchObject({
      from: '"Passerelle Particulier" <ne-pas-repondre@passerelle.localhost>',
      to: ['angela.dubois@exemple.fr'],
      subject: 'Votre justificatif PP-2026-0001 est prêt',
      text: 'Bonjour,\nvotre justificatif a été transmis à la Mairie d’Exempleville.',
      html: '<p>Bonjour,</p><p>votre justificatif a été transmis.</p>',
    });
  });

  it('rejects with MAIL-001 when no server answers, without ending the process', async () => {
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: FROM, timeoutMs: 1000 });
    const failure = await mailer.send({ to: 'angela.dubois@exemple.fr', subject: 'Objet', text: 'Texte' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailError);
    expect(failure).toMatchObject({ code: 'MAIL-001', detail: { transportCode: 'ESOCKET' } });
  });

  it('rejects with MAIL-002 when the server refuses, and MAIL-003 before sending a malformed message', async () => {
    const refusing = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error('Destinataire inconnu'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const refused = createSmtpMailer({ url: `smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`, from: FROM });
    await expect(refused.send({ to: 'inconnu@exemple.fr', subject: 'Objet', text: 'Texte' })).rejects.toMatchObject({
      code: 'MAIL-002',
      detail: { transportCode: 'EENVELOPE', smtpStatus: 550 },
    });
    await new Promise<void>((resolve) => refusing.close(resolve));

    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${catcher.port}`, from: FROM });
    const count = store.list().length;
    for (const message of [
      { to: 'pas une adresse', subject: 'Objet', text: 'Texte' },
      { to: 'a@exemple.fr, b@exemple.fr', subject: 'Objet', text: 'Texte' },
      { to: 'angela.dubois@exemple.fr', subject: 'Objet\r\nBcc: autre@exemple.fr', text: 'Texte' },
      { to: 'angela.dubois@exemple.fr', subject: 'Objet', text: '' },
    ]) {
      await expect(mailer.send(message), message.to).rejects.toMatchObject({ code: 'MAIL-003' });
    }
    expect(store.list()).toHaveLength(count);
  });
});

describe('the composition root’s mailer', () => {
  it('without SMTP_URL, sends nothing and says so once, at start', async () => {
    const { lines, logger } = logLines();
    const mailer = createMailer({ url: undefined, from: FROM }, logger);
    await mailer.send({ to: 'angela.dubois@exemple.fr', subject: 'Objet', text: 'Texte' });
    await mailer.send({ to: 'angela.dubois@exemple.fr', subject: 'Objet', text: 'Texte' });
    expect(lines.map((line) => line.msg)).toEqual(['SMTP_URL absente : aucun courriel ne sera envoyé']);
  });

  it('logs a failure with its code, never the recipient, then rejects', async () => {
    const { lines, logger } = logLines();
    const mailer = createMailer({ url: `smtp://127.0.0.1:${await closedPort()}`, from: FROM, timeoutMs: 1000 }, logger);
    await expect(mailer.send({ to: 'angela.dubois@exemple.fr', subject: 'Objet', text: 'Texte' })).rejects.toBeInstanceOf(MailError);
    expect(lines.at(-1)).toMatchObject({ level: 50, code: 'MAIL-001', msg: 'courriel non envoyé : MAIL-001: serveur SMTP injoignable ou trop lent' });
    expect(JSON.stringify(lines)).not.toContain('angela.dubois');
  });
});
