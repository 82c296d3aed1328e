import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { ReviewContext } from "../github/review-context.js";
import { readReviewThreads } from "../github/review-threads.js";
import { classifyThreads, type OwnThread } from "../review/thread-findings.js";

/**
 * Our review threads on the PR, classified at `headSha`: the first page came with the ReviewContext
 * query; more pages are read only when the PR has over 100 threads. `ownLogin`: `appBotLogin(slug)`.
 */
export async function readOwnThreads(github: GithubClient, ref: PullRequestRef, context: Pick<ReviewContext, "threads">, ownLogin: string | null, headSha: string): Promise<OwnThread[]> {
  return classifyThreads(await readReviewThreads(github, ref, context.threads, ownLogin), headSha);
}
