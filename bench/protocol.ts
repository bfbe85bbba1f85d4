/** What the bench (bench/run.ts) and its servers (bench/server.ts, each in its own process) tell each other. */

/** The service provider's redirect URI's origin: nothing listens there, the bench reads the redirect itself. */
export const BENCH_SP_ORIGIN = 'http://localhost:4990';

/** Processes of the portal in rows (g) and (h): one per core of the 2-core machines the bench is read on. */
export const BENCH_WORKERS = 2;

export interface BenchServer {
  url: string;
  /** The authorization server and the client the bench uses (the portal's and the bare provider's). */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export type FromBench =
  | { type: 'ready'; server: BenchServer }
  | { type: 'memory'; rss: number; heapUsed: number }
  /** The CPU time (user and system) the server's process has spent so far, in ms; the portal's upstreams' apart. */
  | { type: 'cpu'; ms: number; upstreamsMs?: number }
  /** The portal's local upstreams, in their own process, are listening; the portal sends its mail to `smtpUrl`. */
  | { type: 'upstreams'; smtpUrl: string };
