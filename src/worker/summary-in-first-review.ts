import type { AssembledReview } from "../review/assemble-review.js";
import { renderSummaryForReview } from "../review/render-summary-comment.js";
import { EMPTY_SUMMARY_DATA, updateSummaryData, type SummaryReview } from "../review/summary-data.js";

/** GitHub refuses review bodies over 65,536 characters. */
const MAX_REVIEW_BODY_CHARS = 65_000;

export interface FirstReviewSummary {
  headSha: string;
  /** This review's record in the summary's history. */
  review: SummaryReview;
  /** Every file of the PR with its changed lines. */
  files: readonly { path: string; additions: number; deletions: number }[];
}

/**
 * A PR's first review carries the summary itself (the walkthrough and the summary's hidden history), so
 * it costs one write and one notification fewer than a review followed by a summary comment; the next
 * review creates the summary comment from that history. Null when it does not fit in the review's body
 * (the summary comment is then created right away). Pure.
 */
export function addSummaryToFirstReview(review: AssembledReview, summary: FirstReviewSummary): AssembledReview | null {
  const data = updateSummaryData(EMPTY_SUMMARY_DATA, { review: summary.review, walkthrough: review.walkthrough, pullFiles: summary.files.map((file) => file.path) });
  const room = MAX_REVIEW_BODY_CHARS - Math.max(review.body.length, review.fallbackBody.length) - 2;
  const section = renderSummaryForReview({ data, files: summary.files, headSha: summary.headSha }, room);
  if (section === null) return null;
  return { ...review, body: `${review.body}\n\n${section}`, fallbackBody: `${review.fallbackBody}\n\n${section}` };
}
