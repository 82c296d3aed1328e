import type { PullFinding } from "./pull-findings.js";
import type { CheckFailOn } from "./review-settings.js";
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

/** The check-run conclusion the pull request earns at a head: `failure` only where `check.fail_on` asks for it. */
export type PullVerdict = "success" | "neutral" | "failure";

export interface PullJudgement {
  verdict: PullVerdict;
  /** Findings still open on the PR at the head, by severity (every review's, not only the latest). */
  open: Record<Severity, number>;
}

/**
 * Judges the pull request, not the push: the open findings of every review count, so a push that adds
 * nothing new cannot turn the check green while an earlier P1 is unresolved. `failOn` (repo config
 * `check.fail_on`) makes open findings of that severity or worse a blocking `failure`; `never` leaves
 * them `neutral`. `incomplete`: part of the head was not reviewed (a failed chunk), which is never green.
 * Fixed and dismissed findings do not count. Pure.
 */
export function judgePullRequest(findings: readonly PullFinding[], failOn: CheckFailOn, incomplete = false): PullJudgement {
  const open = countOpenFindings(findings);
  const blocking = failOn === "P0" ? open.P0 : failOn === "P1" ? open.P0 + open.P1 : 0;
  const verdict: PullVerdict = blocking > 0 ? "failure" : open.P0 + open.P1 > 0 || incomplete ? "neutral" : "success";
  return { verdict, open };
}

export function countOpenFindings(findings: readonly PullFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { P0: 0, P1: 0, P2: 0, P3: 0 };
  for (const finding of findings) if (finding.state === "open") counts[finding.severity]++;
  return counts;
}
