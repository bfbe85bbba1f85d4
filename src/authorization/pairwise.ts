import { createHmac } from 'node:crypto';

/** The sub a service provider knows a citizen by: its own, never matchable with another provider's. */
export const pairwiseSubject = (secret: string, clientId: string, accountId: string) =>
  createHmac('sha256', secret).update(`${clientId}\n${accountId}`).digest('hex');
