import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpenPort {
  server: Server;
  port: number;
  /** http://host:port, with "localhost" for a loopback host so that URLs match what a browser shows. */
  origin: string;
  attach(handler: RequestListener): void;
  close(): Promise<void>;
}

/**
 * Listens before the app exists: issuers and redirect URIs contain the port, which port 0 only reveals once
 * listening. Requests arriving before attach() get a 503.
 */
export async function openPort(host: string, port: number, originHost = host): Promise<OpenPort> {
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    origin: `http://${originHost}:${actualPort}`,
    attach: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
