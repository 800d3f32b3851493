/**
 * An error that carries what a user should see (userMessage) apart from what is logged (message).
 * Anything else thrown is logged and shown to users only as a generic failure.
 */
export class UserFacingError extends Error {
  constructor(
    readonly userMessage: string,
    logMessage: string = userMessage,
  ) {
    super(logMessage);
    this.name = "UserFacingError";
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
