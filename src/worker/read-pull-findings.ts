import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { ReviewContext } from "../github/review-context.js";
import { readReviewThreads } from "../github/review-threads.js";
import { readThumbsDownReactors } from "../github/thumbs-down-reactors.js";
import { classifyThreads, commentsNeedingReactors, withThumbsDownReactors, type OwnThread } from "../review/thread-findings.js";
import { authoriseDismissals, type WriteAccessCache } from "./authorise-dismissals.js";

/**
 * Our review threads on the PR, classified at `headSha`: the first page came with the ReviewContext
 * query; more pages are read only when the PR has over 100 threads. `ownLogin`: `appBotLogin(slug)`.
 * Only people with write access dismiss a finding: who gave the 👎s is read (one more request) only
 * when a finding has one, and permissions are looked up only for people who gave a 👎, resolved or
 * answered with a dismissal (`writeAccess` keeps the answers for the rest of the job).
 */
export async function readOwnThreads(
  github: GithubClient,
  ref: PullRequestRef,
  context: Pick<ReviewContext, "threads">,
  ownLogin: string | null,
  headSha: string,
  writeAccess?: WriteAccessCache,
): Promise<OwnThread[]> {
  const read = await readReviewThreads(github, ref, context.threads, ownLogin);
  const thumbedDown = commentsNeedingReactors(read);
  const threads = thumbedDown.length > 0 ? withThumbsDownReactors(read, await readThumbsDownReactors(github, thumbedDown)) : read;
  return classifyThreads(threads, headSha, await authoriseDismissals(github, ref, threads, writeAccess));
}
