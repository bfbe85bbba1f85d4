import { RECEIVER_ERROR_CODES, SP_EVENT_MEDIA_TYPE } from './sp-events.js';

/** How long a service has to answer an event, the documentation says so. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** One attempt's result: whether the service took the event, and what happened in words for its dashboard. */
export interface DeliveryOutcome {
  delivered: boolean;
  outcome: string;
}

export type PostSpEvent = (url: string, token: string) => Promise<DeliveryOutcome>;

// RFC 8935 § 2.4: a receiver that refuses an event says why in `err`.
const RECEIVER_ERROR = new RegExp(`"err"\\s*:\\s*"(${RECEIVER_ERROR_CODES.join('|')})"`);

/**
 * Pushes one signed event as RFC 8935 has it: POST, the token as the body. Any 2xx is taken (the RFC asks for 202);
 * a redirect is not followed, since the address was registered as it is.
 */
export const webhookPoster =
  (timeoutMs: number): PostSpEvent =>
  async (url, token) => {
    try {
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
      return { delivered: response.ok, outcome: `HTTP ${response.status}${err === undefined ? '' : ` (${err})`}` };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { delivered: false, outcome: timedOut ? 'pas de réponse dans le délai' : 'adresse injoignable' };
    }
  };
