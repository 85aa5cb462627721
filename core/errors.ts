/**
 * An error caused by the user's input (bad flag, bad file, bad value). Printed as its message alone,
 * without a stack trace, and the command exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
