import { setTimeout as sleep } from "node:timers/promises";
import { httpStatusOf, type GithubClient } from "./github-client.js";

/** Waits before retries 1, 2 and 3 of a server error: those of Octokit's retry plugin. */
export const SERVER_ERROR_RETRY_WAITS_MS: readonly number[] = [1_000, 4_000, 9_000];

/**
 * A read for a job that can stop (`signal`), retried after a server error (5xx; @octokit/request reports no answer as 500) as
 * Octokit's retry plugin would, but never once the job has stopped. The plugin cannot see the signal: a
 * fetch aborted with a reason rejects with that reason, which @octokit/request reports as a 500 that the
 * plugin retries three times over 14 s, and a retry it had scheduled before the abort still waits out its
 * timer. So its retries are off for this request (rate limits are still waited out by the throttling
 * plugin, which does not count them) and the waits here end with the job.
 */
export async function requestUntilStopped(
  client: GithubClient,
  route: string,
  parameters: Record<string, unknown>,
  signal: AbortSignal,
  retryWaitsMs: readonly number[] = SERVER_ERROR_RETRY_WAITS_MS,
): ReturnType<GithubClient["request"]> {
  for (let retry = 0; ; retry++) {
    signal.throwIfAborted();
    try {
      return await client.request(route, { ...parameters, request: { retries: 0, signal } });
    } catch (error) {
      const status = httpStatusOf(error);
      if (signal.aborted || retry >= retryWaitsMs.length || status === null || status < 500) throw error;
      await sleep(retryWaitsMs[retry], undefined, { signal });
    }
  }
}
