import { anchorFindings } from "./anchor-findings.js";
import { mergeChunkReviews } from "./merge-chunk-reviews.js";
import type { ReviewPlan } from "./plan-review.js";
import { renderReviewBody } from "./render-review.js";
import { renderReviewMarker } from "./review-marker.js";
import type { Chunk, ChunkReview, FailedChunk, ReviewComment, TokenUsage } from "./types.js";

export type ChunkResult =
  | { chunk: Chunk; ok: true; review: ChunkReview; usage: TokenUsage }
  | { chunk: Chunk; ok: false; error: string };

export interface AssembledReview {
  body: string;
  comments: ReviewComment[];
  /** The same review with every finding in the body, for when GitHub still refuses a line. */
  fallbackBody: string;
  bodyOnlyFindings: number;
  usage: TokenUsage;
}

/** Turns the chunks' results into the one review to post: anchored comments plus a body. Pure. */
export function assembleReview(input: { results: ChunkResult[]; plan: ReviewPlan; headSha: string; jobHash: string; model: string }): AssembledReview {
  const { results, plan, headSha } = input;
  const reviews = results.flatMap((result) => (result.ok ? [result.review] : []));
  const usage = results.reduce<TokenUsage>(
    (total, result) =>
      result.ok
        ? {
            inputTokens: total.inputTokens + result.usage.inputTokens,
            outputTokens: total.outputTokens + result.usage.outputTokens,
            usdSpent: total.usdSpent + result.usage.usdSpent,
          }
        : total,
    { inputTokens: 0, outputTokens: 0, usdSpent: 0 },
  );
  const failedChunks: FailedChunk[] = results.flatMap((result) =>
    result.ok ? [] : [{ paths: result.chunk.files.map((file) => file.path), reason: result.error }],
  );
  const { summaries, findings } = mergeChunkReviews(reviews);
  const anchored = anchorFindings(findings, plan.anchors);
  const common = {
    summaries,
    skippedFiles: plan.skipped,
    failedChunks,
    usage,
    headSha,
    model: input.model,
    marker: renderReviewMarker({ headSha, job: input.jobHash }),
  };
  const comments = anchored.comments.map((entry) => entry.comment);
  return {
    body: renderReviewBody({ ...common, unanchored: anchored.unanchored, commentCount: comments.length }),
    fallbackBody: renderReviewBody({ ...common, unanchored: [...anchored.comments.map(({ finding, comment }) => ({ ...finding, line: comment.line, side: comment.side })), ...anchored.unanchored], commentCount: 0 }),
    comments,
    bodyOnlyFindings: anchored.unanchored.length,
    usage,
  };
}
