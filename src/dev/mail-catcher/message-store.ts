/** A message as the catcher received it: the envelope's recipients, the parsed headers and bodies. */
export interface CaughtMessage {
  id: string;
  receivedAt: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
}

export interface MessageStore {
  add(message: Omit<CaughtMessage, 'id' | 'receivedAt'>): CaughtMessage;
  /** Newest first. */
  list(): readonly CaughtMessage[];
  find(id: string): CaughtMessage | undefined;
}

/** The last `capacity` messages, in memory: a development tool forgets everything at restart, and never grows. */
export function createMessageStore(capacity = 200): MessageStore {
  const messages: CaughtMessage[] = [];
  let counter = 0;
  return {
    add(message) {
      counter += 1;
      const caught = { ...message, id: String(counter), receivedAt: Date.now() };
      messages.unshift(caught);
      messages.splice(capacity);
      return caught;
    },
    list: () => [...messages],
    find: (id) => messages.find((message) => message.id === id),
  };
}
