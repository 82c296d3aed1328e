/** An error whose `status` Probot's webhook middleware answers with (@octokit/webhooks reads `err.status`). */
export class QueueUnavailableError extends Error {
  readonly status = 503;
  override readonly name = "QueueUnavailableError";
}

/**
 * Wraps a webhook handler that only talks to Redis (ledger, enqueue): any failure means the delivery was
 * not recorded, so it is answered 503 and GitHub marks it failed (Redeliver can then be asked for),
 * rather than Probot's generic 500.
 */
export function refuseWhenQueueDown<Args extends unknown[]>(handler: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await handler(...args);
    } catch (error) {
      throw new QueueUnavailableError(`The review queue is unavailable; redeliver this event later (${(error as Error).message})`, {
        cause: error,
      });
    }
  };
}
