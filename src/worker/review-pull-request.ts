import type { Logger } from "pino";
import { commentOnPullRequest, hasWriteAccess, reactToComment } from "../github/conversation.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "../github/github-client.js";
import { DiffTooLargeError, getPullRequest, getPullRequestDiff, listPullRequestFiles } from "../github/pull-requests.js";
import { diffFromFileList } from "../github/diff-from-file-list.js";
import { listOwnReviews, submitReview } from "../github/reviews.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import type { ReviewJobData } from "../queue/review-job.js";
import { reviewJobKey } from "../queue/review-job.js";
import type { AssembledReview } from "../review/assemble-review.js";
import type { SkippedFile } from "../review/plan-review.js";
import { hashJobKey } from "../review/review-marker.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { reviewDiff } from "./review-diff.js";
import type { ReviewOutcome } from "./review-outcome.js";

export interface ReviewDependencies {
  github: GithubClient;
  reviewer: ChunkReviewer;
  settings: ReviewSettings;
  log: Logger;
}

const NO_ACCESS_REPLY =
  "Only people with write access to this repository can ask for a review, so this request was not run.";

/** One review job, start to end: fetch -> plan -> model -> anchor -> post. GitHub and the model are injected. */
export async function reviewPullRequest(job: ReviewJobData, deps: ReviewDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };

  if (job.trigger === "command" && job.commentId !== null) {
    if (!job.requestedBy || !(await mayTriggerReviews(github, ref, job.requestedBy))) {
      await commentOnPullRequest(github, ref, `@${job.requestedBy ?? "unknown"} ${NO_ACCESS_REPLY}`);
      return { status: "refused", reason: "requester lacks write access" };
    }
    await reactToComment(github, ref, job.commentId, "eyes");
  }

  const pr = await getPullRequest(github, ref);
  if (pr.state !== "open") return { status: "skipped", reason: "pull request is not open" };
  if (pr.draft && job.trigger !== "command") return { status: "skipped", reason: "pull request is a draft" };
  const headSha = pr.head.sha;
  if (job.headSha && job.headSha !== headSha) return { status: "superseded", headSha: job.headSha, currentHeadSha: headSha };

  const jobHash = hashJobKey(reviewJobKey(job));
  const earlier = (await listOwnReviews(github, ref)).find(
    (review) => review.marker.headSha === headSha && (job.trigger !== "command" || review.marker.job === jobHash),
  );
  if (earlier) return { status: "already-posted", reviewId: earlier.id, headSha };

  const { diff, unreviewable } = await fetchDiff(github, ref, log);
  const pullRequest = { owner: job.owner, repo: job.repo, number: pr.number, title: pr.title, body: pr.body, baseRef: pr.base.ref, headRef: pr.head.ref };
  const { review, failedChunks } = await reviewDiff({ diff, pullRequest, headSha, jobHash, unreviewable }, deps);

  // A push while the model was busy makes this review stale; the job for the new head posts instead.
  const current = await getPullRequest(github, ref);
  if (current.head.sha !== headSha) return { status: "superseded", headSha, currentHeadSha: current.head.sha };

  const reviewId = await postReview(github, ref, headSha, review, log);
  return {
    status: "posted",
    reviewId,
    headSha,
    comments: review.comments.length,
    bodyOnlyFindings: review.bodyOnlyFindings,
    failedChunks,
    usage: review.usage,
  };
}

async function mayTriggerReviews(github: GithubClient, ref: PullRequestRef, login: string): Promise<boolean> {
  try {
    return await hasWriteAccess(github, ref, login);
  } catch (error) {
    if (httpStatusOf(error) === 404) return false;
    throw error;
  }
}

async function fetchDiff(github: GithubClient, ref: PullRequestRef, log: Logger): Promise<{ diff: string; unreviewable: SkippedFile[] }> {
  try {
    return { diff: await getPullRequestDiff(github, ref), unreviewable: [] };
  } catch (error) {
    if (!(error instanceof DiffTooLargeError)) throw error;
    log.info({ reason: error.message }, "Diff too large for GitHub; reviewing from the file list");
    return diffFromFileList(await listPullRequestFiles(github, ref));
  }
}

/** Posts the review; if GitHub still rejects a line (422), posts once more with every comment in the body. */
async function postReview(
  github: GithubClient,
  ref: PullRequestRef,
  headSha: string,
  review: AssembledReview,
  log: Logger,
): Promise<number> {
  try {
    return await submitReview(github, ref, { commitId: headSha, body: review.body, comments: review.comments });
  } catch (error) {
    if (httpStatusOf(error) !== 422 || review.comments.length === 0) throw error;
    log.warn({ err: error, comments: review.comments.length }, "GitHub refused the review's line comments; posting them in the body");
    return submitReview(github, ref, { commitId: headSha, body: review.fallbackBody, comments: [] });
  }
}
