import type { Severity } from "./types.js";

/** The check-run conclusion a posted review earns. */
export type ReviewVerdict = "success" | "neutral";

/**
 * Only a review with no P0/P1 finding that covered every chunk is green; anything else asks a person to
 * look (`neutral`, never `failure`: the review itself worked). Pure; also kept in the review's marker,
 * so a retry that finds the review already posted completes the check run with the same verdict.
 */
export function verdictOf(severityCounts: Record<Severity, number>, failedChunks: number): ReviewVerdict {
  return severityCounts.P0 + severityCounts.P1 > 0 || failedChunks > 0 ? "neutral" : "success";
}
