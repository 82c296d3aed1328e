import type { Logger } from "pino";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { loadReviewContext } from "../github/review-context.js";
import type { PostedReview } from "../github/reviews.js";
import type { LatestPushes } from "../queue/latest-pushed-head.js";
import type { ReviewJobData } from "../queue/review-job.js";
import { readUntilHead } from "./confirm-head.js";

export interface HeadRecheck {
  /** The PR's head when it is no longer the job's: a push while the model was busy made the review stale. */
  movedTo: string | null;
  /** The app's reviews, for submitReview's marker search right before its POST. */
  ownReviews: readonly PostedReview[];
}

export interface HeadRecheckOptions {
  /** The job's first run: no other run of it can have posted meanwhile. */
  firstAttempt?: boolean;
  /** The pushes the web process has seen; none: GitHub is always asked. */
  latestPushes?: LatestPushes;
  headLagWaitsMs?: readonly number[];
  log: Logger;
}

/**
 * Right before posting: is the job's head still the PR's, and which reviews has the app posted? A first
 * run of an automatic review asks Redis whether a later push was delivered (one GET) and trusts its own
 * first read for the reviews; GitHub is asked (a read-only GraphQL query, re-read while its replicas lag a
 * push) only when Redis saw a later push, and on every retry or command, where another run of the job
 * may have posted. A push whose delivery never arrived goes unseen, as one landing right after the POST.
 */
export async function recheckHead(
  github: GithubClient,
  ref: PullRequestRef,
  ownLogin: string,
  job: ReviewJobData,
  known: { headSha: string; ownReviews: readonly PostedReview[] },
  options: HeadRecheckOptions,
): Promise<HeadRecheck> {
  if (options.firstAttempt && options.latestPushes && !(await newerPushSeen(options.latestPushes, job, options.log))) {
    return { movedTo: null, ownReviews: known.ownReviews };
  }
  const current = await readUntilHead(() => loadReviewContext(github, ref, ownLogin), (read) => read.pr.head.sha, known.headSha, options.headLagWaitsMs);
  return { movedTo: current.pr.head.sha === known.headSha ? null : current.pr.head.sha, ownReviews: current.ownReviews };
}

/** True unless Redis says no later push was delivered ("untracked" and errors count as maybe). */
async function newerPushSeen(pushes: LatestPushes, job: ReviewJobData, log: Logger): Promise<boolean> {
  try {
    return (await pushes.newerHead(job)) !== null;
  } catch (error) {
    log.warn({ err: error }, "Could not read the PR's latest push from Redis; asking GitHub");
    return true;
  }
}
