import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { z } from 'zod';

/** One message to one person: a subject, a text body and, if wanted, the same in HTML. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** The port features send mail through. send() settles once the SMTP server has accepted the message, or rejects with a MailError. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

const REASONS = {
  'MAIL-001': 'serveur SMTP injoignable ou trop lent',
  'MAIL-002': 'message refusé par le serveur SMTP',
  'MAIL-003': 'message invalide : une adresse de destinataire, un objet sur une ligne et un texte sont attendus',
} as const;
export type MailErrorCode = keyof typeof REASONS;

/**
 * A message not sent, with a stable code. No cause is kept: SMTP answers quote the recipient's address, which must
 * not reach the logs; the transport's code and the SMTP status say enough to act.
 */
export class MailError extends Error {
  constructor(
    readonly code: MailErrorCode,
    readonly detail: { transportCode?: string; smtpStatus?: number } = {},
  ) {
    super(`${code}: ${REASONS[code]}`);
    this.name = 'MailError';
  }
}

export interface SmtpSettings {
  /** smtp://host:port (STARTTLS when offered) or smtps://host:port (TLS at once), credentials in the URL if any. */
  url: string;
  /** The From header, « Nom <adresse> ». */
  from: string;
  /** Refuse to send in clear: STARTTLS must succeed (production). */
  requireTls?: boolean;
  timeoutMs?: number;
}

const messageSchema = z.object({
  to: z.email(),
  subject: z
    .string()
    .min(1)
    .regex(/^[^\r\n]*$/),
  text: z.string().min(1),
  html: z.string().optional(),
});

const validated = (message: MailMessage): MailMessage => {
  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) throw new MailError('MAIL-003');
  return parsed.data;
};

// Failures to reach or keep talking to the server; anything else is the server saying no.
const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);

/** nodemailer over SMTP, one connection per message: nothing to close, nothing left open between messages. */
export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const url = new URL(settings.url);
  // The host as config.ts checked it: read as http, the URL parser normalises numeric and IPv6 forms.
  const host = new URL(settings.url.replace(/^smtps?:/, 'http:')).hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const transport = createTransport({
    host,
    port: url.port === '' ? undefined : Number(url.port),
    secure: url.protocol === 'smtps:',
    requireTLS: settings.requireTls ?? false,
    auth: url.username === '' ? undefined : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Our messages are text we wrote: nothing in them may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      const { to, subject, text, html } = validated(message);
      try {
        await transport.sendMail({ from: settings.from, to, subject, text, ...(html === undefined ? {} : { html }) });
      } catch (error) {
        const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
        const transportCode = typeof code === 'string' ? code : undefined;
        throw new MailError(transportCode !== undefined && UNREACHABLE.has(transportCode) ? 'MAIL-001' : 'MAIL-002', {
          ...(transportCode === undefined ? {} : { transportCode }),
          ...(typeof responseCode === 'number' ? { smtpStatus: responseCode } : {}),
        });
      }
    },
  };
}

/**
 * The composition root's mailer. Without an SMTP server, nothing is sent and the logs say so once, at start. A
 * failure is logged here with its code, then rejected: callers decide what it means, and must catch it.
 */
export function createMailer(settings: Omit<SmtpSettings, 'url'> & { url: string | undefined }, logger: Logger): Mailer {
  if (settings.url === undefined) {
    logger.warn('SMTP_URL absente : aucun courriel ne sera envoyé');
    return {
      async send(message) {
        validated(message);
      },
    };
  }
  const smtp = createSmtpMailer({ ...settings, url: settings.url });
  logger.info({ smtp: new URL(settings.url).host }, 'envoi des courriels par SMTP');
  return {
    async send(message) {
      try {
        await smtp.send(message);
      } catch (error) {
        if (error instanceof MailError) logger.error({ code: error.code, ...error.detail }, `courriel non envoyé : ${error.message}`);
        throw error;
      }
    },
  };
}
