import { ERROR_MESSAGES, type ErrorCode } from '../wording/messages.fr.js';

/** An error the person is shown: a stable code, its HTTP status, and its French page in the catalogue. */
export class AppError extends Error {
  readonly status: number;
  readonly view: ErrorViewContext;

  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    options?: { cause?: unknown; view?: ErrorViewContext },
  ) {
    super(`${code}: ${reason}`, options);
    this.name = 'AppError';
    this.status = ERROR_MESSAGES[code].status;
    this.view = options?.view ?? {};
  }
}

/** What a page may add to its catalogue text: the service provider's name, and a verified way back to it. */
export interface ErrorViewContext {
  sp?: string;
  back?: { label: string; href: string };
}
