import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger, httpLogger } from './logger.js';

/** An app with the request log, whose lines are kept, parsed, for the test to read. */
function loggedApp() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(httpLogger(createLogger('info', destination)));
  return { app, lines };
}

function exampleApp() {
  const { app, lines } = loggedApp();
  app.get('/ok', (_req, res) => void res.send('ok'));
  app.get('/said', (req, res) => {
    req.log.info({ event: 'test.said' }, 'le gestionnaire parle');
    res.status(404).send('non');
  });
  app.get('/broken', (_req, res) => void res.status(500).send('boum'));
  return { app, lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('request log', () => {
  it('writes one line per request: id, method, path without the query, status, level by status', async () => {
    const { app, lines } = exampleApp();
    const ok = await request(app).get('/ok?access_token=secret');
    await request(app).get('/broken');
    await settle();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: ok.headers['x-request-id'], method: 'GET', path: '/ok' },
      res: { status: 200 },
    });
    expect(typeof lines[0]?.responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect(lines[1]).toMatchObject({ level: 50, req: { path: '/broken' }, res: { status: 500 } });
  });

  it('gives handlers a logger whose lines carry the request, and keeps a well-formed incoming request id', async () => {
    const { app, lines } = exampleApp();
    await request(app).get('/said').set('X-Request-ID', 'appel-1234-abcd');
    await settle();
    expect(lines.map((line) => line.msg)).toEqual(['le gestionnaire parle', 'request completed']);
    expect(lines[0]).toMatchObject({ event: 'test.said', req: { id: 'appel-1234-abcd', method: 'GET', path: '/said' } });
    expect(lines[1]).toMatchObject({ level: 40, res: { status: 404 } });
  });

  it('says when the client went away before the answer was sent', async () => {
    const { app, lines } = loggedApp();
    let closed: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => {
      closed = resolve;
    });
    app.get('/lent', (req) => req.on('close', closed));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${port}/lent`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await pending;
    await gone;
    await settle();
    server.close();
    expect(lines).toMatchObject([{ level: 40, msg: 'request aborted', req: { path: '/lent' } }]);
  });
});
