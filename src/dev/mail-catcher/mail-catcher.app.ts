import express, { type Express } from 'express';
import { securityHeaders } from '../../http/security.js';
import { useViews } from '../../http/views.js';
import { frenchDateTime } from '../../wording/dates.fr.js';
import type { CaughtMessage, MessageStore } from './message-store.js';

// The HTML part is someone else's markup: no script, no request anywhere, no form; only its own inline styles.
const HTML_PART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; sandbox";

const viewOf = (message: CaughtMessage) => ({
  ...message,
  receivedOn: frenchDateTime(message.receivedAt, { seconds: true }),
  recipients: message.to.join(', '),
});

/**
 * The catcher's pages: the messages received, newest first; one page per message with its text, and its HTML
 * part in a sandboxed frame; GET /messages.json for tests.
 */
export function createMailCatcherApp(store: MessageStore): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders({ production: false, formTargets: [] }));
  useViews(app, { serviceName: 'Courriels', serviceTagline: 'Collecteur de courriels local' }, { cache: true });

  app.get('/', (_req, res) => res.render('dev/mail-catcher/liste.njk', { messages: store.list().map(viewOf) }));
  app.get('/messages.json', (_req, res) => {
    res.json({ messages: store.list().map((message) => ({ ...message, receivedAt: new Date(message.receivedAt).toISOString() })) });
  });
  app.get('/messages/:id', (req, res) => {
    const message = store.find(req.params.id);
    if (message === undefined) return res.status(404).render('dev/mail-catcher/introuvable.njk');
    res.render('dev/mail-catcher/message.njk', { message: viewOf(message) });
  });
  app.get('/messages/:id/html', (req, res) => {
    const html = store.find(req.params.id)?.html;
    if (html === undefined) return res.status(404).type('text/plain').send('Pas de version HTML');
    res.set('content-security-policy', HTML_PART_POLICY).type('html').send(html);
  });
  return app;
}
