import { ERROR_MESSAGES, type ErrorCode } from './messages.fr.js';

/** An error the person is shown: a stable code, its HTTP status, and its French page in the catalogue. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${reason}`, options);
    this.name = 'AppError';
    this.status = ERROR_MESSAGES[code].status;
  }
}
