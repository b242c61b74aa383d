/** A step of a deploy that failed: the colour that takes traffic did not change. */
export class DeployFailed extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

/** A deploy that was not started at all (another one runs, or nothing to roll back to). */
export class DeployRefused extends Error {}
