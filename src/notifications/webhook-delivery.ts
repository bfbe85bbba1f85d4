import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { RECEIVER_ERROR_CODES, SP_EVENT_MEDIA_TYPE } from './sp-events.js';

/** How long a service has to answer an event, the documentation says so. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** One attempt's result: whether the service took the event, what happened in words, and whether to stop trying. */
export interface DeliveryOutcome {
  delivered: boolean;
  outcome: string;
  /** Trying again would end the same way: the service refused this event (400), or its address is not allowed. */
  final?: boolean;
}

export type PostSpEvent = (url: string, token: string) => Promise<DeliveryOutcome>;

// RFC 8935 § 2.4: a receiver that refuses an event says why in `err`.
const RECEIVER_ERROR = new RegExp(`"err"\\s*:\\s*"(${RECEIVER_ERROR_CODES.join('|')})"`);

/** Loopback, private, link-local, shared and unspecified ranges: the portal's own network, never a service's address. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

const isInternal = (address: string) => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
};

/** Whether every address the host names is outside the portal's own network. */
async function isExternal(url: URL): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) === 0 ? (await lookup(host, { all: true })).map((entry) => entry.address) : [host];
  return addresses.length > 0 && !addresses.some(isInternal);
}

/**
 * Pushes one signed event as RFC 8935 has it: POST, the token as the body. Any 2xx is taken (the RFC asks for 202);
 * a 400 is the service refusing this event, given up at once; a redirect is not followed, since the address was
 * registered as it is. In production an address that resolves into the portal's own network is refused, so that a
 * registered address cannot make the portal probe it (a name that resolves differently between this check and the
 * request is not caught: the network's egress rules are the other half of this guard).
 */
export const webhookPoster =
  (timeoutMs: number, options: { allowInternalAddresses: boolean }): PostSpEvent =>
  async (url, token) => {
    try {
      if (!options.allowInternalAddresses && !(await isExternal(new URL(url))))
        return { delivered: false, outcome: 'adresse interne refusée', final: true };
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': SP_EVENT_MEDIA_TYPE, accept: 'application/json' },
        body: token,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      let err: string | undefined;
      if (response.status === 400) err = RECEIVER_ERROR.exec((await response.text()).slice(0, 1000))?.[1];
      else await response.body?.cancel();
      return { delivered: response.ok, outcome: `HTTP ${response.status}${err === undefined ? '' : ` (${err})`}`, final: response.status === 400 };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { delivered: false, outcome: timedOut ? 'pas de réponse dans le délai' : 'adresse injoignable' };
    }
  };
