import type { Logger } from "pino";
import { noUsage } from "../llm/call-usage.js";
import { TruncatedOutputError, type ChunkReviewer } from "../llm/chunk-reviewer.js";
import type { ChunkResult } from "../review/assemble-review.js";
import { splitChunk } from "../review/split-chunk.js";
import type { Chunk, ChunkReview, TokenUsage } from "../review/types.js";

/** One model review of a chunk (or half of one), billing every call into `usage`. */
export type ReviewPiece = (chunk: Chunk, usage: TokenUsage, maxOutputTokens?: number) => Promise<ChunkReview>;

/**
 * Reviews a chunk; when its review does not fit the output cap even raised, reviews its two halves
 * (starting at the cap the whole reached) instead of sending the same chunk again. A half that is cut
 * off too is a failed chunk. Fatal errors (a bad key) propagate; other failures become failed results.
 */
export async function reviewChunkOrHalves(
  chunk: Chunk,
  reviewPiece: ReviewPiece,
  isFatal: ChunkReviewer["isFatal"],
  log: Logger,
): Promise<ChunkResult[]> {
  const usage = noUsage();
  try {
    return [{ chunk, ok: true, review: await reviewPiece(chunk, usage), usage }];
  } catch (error) {
    if (isFatal(error)) throw error;
    const halves = error instanceof TruncatedOutputError ? splitChunk(chunk) : null;
    if (!halves) return [failedResult(chunk, error, usage, log)];
    const { maxOutputTokens } = error as TruncatedOutputError;
    log.warn({ chunk: chunk.index, maxOutputTokens }, "Chunk review cut off at the output cap; reviewing it in two halves");
    const results: ChunkResult[] = [];
    // The whole chunk's calls are billed with the first half, so the review's total counts them.
    let billed = usage;
    for (const half of halves) {
      try {
        results.push({ chunk: half, ok: true, review: await reviewPiece(half, billed, maxOutputTokens), usage: billed });
      } catch (halfError) {
        if (isFatal(halfError)) throw halfError;
        results.push(failedResult(half, halfError, billed, log));
      }
      billed = noUsage();
    }
    return results;
  }
}

function failedResult(chunk: Chunk, error: unknown, usage: TokenUsage, log: Logger): ChunkResult {
  log.warn({ chunk: chunk.index, err: error }, "Chunk review failed; posting the rest");
  // A cut-off review is cut off the same way by a retry of the job; any other failure may heal.
  return { chunk, ok: false, error: (error as Error).message, usage, retryable: !(error instanceof TruncatedOutputError) };
}
