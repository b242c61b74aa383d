/** The tools cannot be registered as declared (a duplicate or malformed name): boot stops. */
export class ToolRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Tool registration failed:\n- ${problems.join('\n- ')}`);
    this.name = 'ToolRegistrationError';
  }
}
