import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { MessageStore } from './message-store.js';

export interface SmtpReceiver {
  port: number;
  close(): Promise<void>;
}

// Development mail is small; a larger message is refused rather than kept, 200 times over, in memory.
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/**
 * An SMTP server that accepts every message, from anyone to anyone, and keeps it in the store. Plain SMTP only:
 * no STARTTLS (smtp-server's built-in certificate is public) and so no AUTH (it needs TLS).
 */
export async function startSmtpReceiver(
  store: MessageStore,
  options: { host: string; port: number; onError: (error: Error) => void },
): Promise<SmtpReceiver> {
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    // Stopping npm start should not wait 30 s for an idle client.
    closeTimeout: 1000,
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          store.add({
            from: parsed.from?.text ?? (session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address),
            // The envelope, not the To header: it also names Bcc recipients, as a real server would deliver.
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html === false ? undefined : parsed.html,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client's broken connection is reported as an error event; without a listener, it would end the process.
  server.on('error', options.onError);
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
