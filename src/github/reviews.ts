import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { ReviewComment } from "../review/types.js";
import { parseReviewMarker, type ReviewMarker } from "../review/review-marker.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "./github-client.js";
import { isOwnReviewAuthor } from "./own-review-author.js";

const Review = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  commit_id: z.string().nullable().optional(),
  user: z.object({ login: z.string(), type: z.string().optional() }).nullable().optional(),
});

export interface PostedReview {
  id: number;
  marker: ReviewMarker;
}

/** The app's own earlier reviews on a PR: by `ownLogin` (see isOwnReviewAuthor), found by their hidden markers. */
export async function listOwnReviews(client: GithubClient, ref: PullRequestRef, ownLogin: string | null): Promise<PostedReview[]> {
  const found: PostedReview[] = [];
  for (let page = 1; ; page++) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: 100,
      page,
    });
    const reviews = z.array(Review).parse(data);
    for (const review of reviews) {
      if (!isOwnReviewAuthor(review.user?.login, ownLogin)) continue;
      const marker = parseReviewMarker(review.body);
      if (marker) found.push({ id: review.id, marker });
    }
    if (reviews.length < 100) return found;
  }
}

export interface ReviewSubmission {
  commitId: string;
  body: string;
  comments: ReviewComment[];
  /**
   * The app's reviews on the PR as the caller read them right before this call (the worker's head
   * re-check reads them in the same GraphQL query): given, the pre-POST marker search uses them
   * instead of a request of its own.
   */
  knownReviews?: readonly PostedReview[];
}

/** How a review POST whose answer was lost (5xx, reset) is retried; the waits are injectable for tests. */
export interface SubmitRetry {
  /** Extra POSTs after an ambiguous failure. Default 3. */
  retries: number;
  /** Wait before retry n (from 1). Default 1 s, 2 s, 4 s. */
  delayMs: (retry: number) => number;
}

const DEFAULT_SUBMIT_RETRY: SubmitRetry = { retries: 3, delayMs: (retry) => 1_000 * 2 ** (retry - 1) };

/**
 * Posts ONE review with all its line comments; `COMMENT` so the bot never blocks or approves a merge.
 *
 * Creating a review is not idempotent. Right before the POST, the PR's reviews are searched for this
 * body's hidden marker: another run of the same job (one that took over a job whose lock this run lost,
 * or a run this one took over) may have posted it while this one was busy with the model. A 5xx or a
 * dropped connection does not say whether GitHub stored the review either. So Octokit's blind retry is
 * switched off for this request; after such a failure the marker is searched for again, and the POST is
 * repeated only if it is not there. Secondary rate limits (403/429) are still retried by the throttling
 * plugin: GitHub stored nothing then.
 */
export async function submitReview(
  client: GithubClient,
  ref: PullRequestRef,
  review: ReviewSubmission,
  /** Whose reviews the lost-answer lookup trusts (see isOwnReviewAuthor). */
  ownLogin: string | null,
  retry: SubmitRetry = DEFAULT_SUBMIT_RETRY,
): Promise<number> {
  const marker = parseReviewMarker(review.body);
  const stored = !marker
    ? undefined
    : review.knownReviews
      ? review.knownReviews.find((posted) => sameJobAndHead(posted.marker, marker))
      : await findReviewWithMarker(client, ref, marker, ownLogin);
  if (stored) return stored.id;
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.pullNumber,
        commit_id: review.commitId,
        body: review.body,
        event: "COMMENT",
        comments: review.comments,
        request: { retries: 0 },
      });
      return z.object({ id: z.number() }).parse(data).id;
    } catch (error) {
      const status = httpStatusOf(error);
      const ambiguous = status === null || status >= 500;
      if (!ambiguous || !marker || attempt >= retry.retries) throw error;
      await sleep(retry.delayMs(attempt + 1));
      const storedMeanwhile = await findReviewWithMarker(client, ref, marker, ownLogin);
      if (storedMeanwhile) return storedMeanwhile.id;
    }
  }
}

/** The app's review on the PR that carries this job's marker for this head, if GitHub has one. */
async function findReviewWithMarker(client: GithubClient, ref: PullRequestRef, marker: ReviewMarker, ownLogin: string | null): Promise<PostedReview | undefined> {
  return (await listOwnReviews(client, ref, ownLogin)).find((posted) => sameJobAndHead(posted.marker, marker));
}

const sameJobAndHead = (a: ReviewMarker, b: ReviewMarker) => a.headSha === b.headSha && a.job === b.job;
