import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { ReviewContext } from "../github/review-context.js";
import { readReviewThreads } from "../github/review-threads.js";
import { classifyThreads, type OwnThread } from "../review/thread-findings.js";
import { authoriseDismissals, type WriteAccessCache } from "./authorise-dismissals.js";

/**
 * Our review threads on the PR, classified at `headSha`: the first page came with the ReviewContext
 * query; more pages are read only when the PR has over 100 threads. `ownLogin`: `appBotLogin(slug)`.
 * Only people with write access dismiss a finding: their permission is looked up when one of them
 * gave a 👎, resolved or answered a thread (`writeAccess` keeps the answers for the rest of the job).
 */
export async function readOwnThreads(
  github: GithubClient,
  ref: PullRequestRef,
  context: Pick<ReviewContext, "threads">,
  ownLogin: string | null,
  headSha: string,
  writeAccess?: WriteAccessCache,
): Promise<OwnThread[]> {
  const threads = await readReviewThreads(github, ref, context.threads, ownLogin);
  return classifyThreads(threads, headSha, await authoriseDismissals(github, ref, threads, writeAccess));
}
