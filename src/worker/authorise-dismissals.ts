import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { DismissalAuthority } from "../review/dismissal-authority.js";
import type { ReviewThread } from "../review/review-thread.js";
import { loginsToAuthorise } from "../review/thread-findings.js";
import { mayRunCommands } from "./may-run-commands.js";

/** Write access by lower-case login, looked up once per person per job (a job may read the threads more than once). */
export type WriteAccessCache = Map<string, Promise<boolean>>;

/**
 * The people with write access among those who gave a 👎, resolved, or answered with a dismissal one of
 * our threads: the same permission lookup as commands (`mayRunCommands`), one request per person not
 * yet in `cache`, and none at all on a PR where nobody did any of that.
 */
export async function authoriseDismissals(github: GithubClient, ref: PullRequestRef, threads: readonly ReviewThread[], cache: WriteAccessCache = new Map()): Promise<DismissalAuthority> {
  const logins = loginsToAuthorise(threads);
  const writers = new Set<string>();
  for (const login of logins) {
    let lookup = cache.get(login);
    if (!lookup) {
      lookup = mayRunCommands(github, ref, login);
      cache.set(login, lookup);
      // A failed lookup is not cached: the job fails and its retry asks again.
      lookup.catch(() => cache.delete(login));
    }
    if (await lookup) writers.add(login);
  }
  return { writers };
}
