/**
 * An error meant for the user: one line saying what is wrong, and optionally what to do.
 * Anything else that escapes is a bug and is reported with its stack.
 */
export class MlwbError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
    this.name = 'MlwbError';
  }

  /** The message and hint as one line, for terminals and notifications. */
  get oneLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}
