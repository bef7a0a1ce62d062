/**
 * Bad input from the user (an unknown profile, a bad port, a malformed file). The CLI prints the
 * message as one line and exits with status 2; the library API throws it as is.
 */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
