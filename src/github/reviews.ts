import { z } from "zod";
import type { ReviewComment } from "../review/types.js";
import { parseReviewMarker, type ReviewMarker } from "../review/review-marker.js";
import type { GithubClient, PullRequestRef } from "./github-client.js";

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

/** The app's own earlier reviews on a PR, found by their hidden markers (author-independent, so a renamed app still finds them). */
export async function listOwnReviews(client: GithubClient, ref: PullRequestRef): Promise<PostedReview[]> {
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
      if (review.user?.type !== undefined && review.user.type !== "Bot") continue;
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
}

/** Posts ONE review with all its line comments; `COMMENT` so the bot never blocks or approves a merge. */
export async function submitReview(client: GithubClient, ref: PullRequestRef, review: ReviewSubmission): Promise<number> {
  const { data } = await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber,
    commit_id: review.commitId,
    body: review.body,
    event: "COMMENT",
    comments: review.comments,
  });
  return z.object({ id: z.number() }).parse(data).id;
}
