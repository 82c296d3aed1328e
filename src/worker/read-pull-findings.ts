import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { ReviewContext } from "../github/review-context.js";
import { readReviewThreads } from "../github/review-threads.js";
import type { PullFinding } from "../review/pull-findings.js";
import { classifyThreads, toPullFindings, type OwnThread } from "../review/thread-findings.js";

/**
 * Our review threads on the PR, classified at `headSha`: the first page came with the ReviewContext
 * query; more pages are read only when the PR has over 100 threads. `ownLogin`: `appBotLogin(slug)`.
 */
export async function readOwnThreads(github: GithubClient, ref: PullRequestRef, context: Pick<ReviewContext, "threads">, ownLogin: string | null, headSha: string): Promise<OwnThread[]> {
  return classifyThreads(await readReviewThreads(github, ref, context.threads, ownLogin), headSha);
}

/** The PR's findings (open, fixed, dismissed) at the context's head, for the check run and the summary. */
export async function readPullFindings(github: GithubClient, ref: PullRequestRef, context: Pick<ReviewContext, "threads" | "pr">, ownLogin: string | null): Promise<PullFinding[]> {
  return toPullFindings(await readOwnThreads(github, ref, context, ownLogin, context.pr.head.sha));
}
