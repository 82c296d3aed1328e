import type { PullRequestRef } from "../github/github-client.js";
import type { PullFinding } from "../review/pull-findings.js";
import type { Severity } from "../review/types.js";
import type { ReviewOutcome } from "../worker/review-outcome.js";

const SEVERITIES: readonly Severity[] = ["P0", "P1", "P2", "P3"];

/** What one run of the Action did, for its outputs, its job summary and its last log line. */
export interface ActionRun {
  /** The outcome's status, or `ignored` when the event asked for no review. */
  status: ReviewOutcome["status"] | "ignored";
  pull: PullRequestRef | null;
  /** Open findings on the PR after the run, by severity; all zero when the run did not read them. */
  openBySeverity: Record<Severity, number>;
  openFindings: PullFinding[];
  /** Findings this run posted (a posted review only). */
  newFindings: number;
  usage: { inputTokens: number; outputTokens: number; usdSpent: number };
  reviewUrl: string | null;
  /** Why nothing was posted; null when a review was. */
  skippedReason: string | null;
}

const short = (sha: string) => sha.slice(0, 7);

/** Why a run posted nothing, as a sentence for the log and the job summary. Pure. */
function reasonOf(outcome: ReviewOutcome): string | null {
  switch (outcome.status) {
    case "posted":
      return null;
    case "already-posted":
      return `head ${short(outcome.headSha)} was already reviewed (review ${outcome.reviewId}); nothing new was posted`;
    case "nothing-new":
      return `nothing the pull request changes was touched since the review of ${short(outcome.since)}`;
    case "superseded":
      return `the pull request moved to ${short(outcome.currentHeadSha)} while ${short(outcome.headSha)} was reviewed; the run for the new head reviews it`;
    case "skipped":
    case "refused":
      return outcome.reason;
    case "done":
      return outcome.action;
  }
}

/**
 * Sums a review job's outcome up for the workflow. `serverUrl` is the web host (GITHUB_SERVER_URL) the
 * review's link points at. Pure.
 */
export function summariseActionRun(outcome: ReviewOutcome, pull: PullRequestRef, serverUrl: string): ActionRun {
  const findings = "findings" in outcome ? (outcome.findings ?? []) : [];
  const openFindings = findings.filter((finding) => finding.state === "open");
  const reviewId = outcome.status === "posted" || outcome.status === "already-posted" ? outcome.reviewId : null;
  return {
    status: outcome.status,
    pull,
    openBySeverity: countBySeverity(openFindings),
    openFindings,
    newFindings: outcome.status === "posted" ? SEVERITIES.reduce((sum, severity) => sum + outcome.severityCounts[severity], 0) : 0,
    usage: outcome.status === "posted" ? { ...outcome.usage } : { inputTokens: 0, outputTokens: 0, usdSpent: 0 },
    reviewUrl: reviewId === null ? null : `${serverUrl.replace(/\/+$/, "")}/${pull.owner}/${pull.repo}/pull/${pull.pullNumber}#pullrequestreview-${reviewId}`,
    skippedReason: reasonOf(outcome),
  };
}

/** A run for an event that asks for no review (a comment that is no command, a closed PR). Pure. */
export function summariseIgnoredEvent(reason: string): ActionRun {
  return {
    status: "ignored",
    pull: null,
    openBySeverity: countBySeverity([]),
    openFindings: [],
    newFindings: 0,
    usage: { inputTokens: 0, outputTokens: 0, usdSpent: 0 },
    reviewUrl: null,
    skippedReason: reason,
  };
}

function countBySeverity(findings: readonly PullFinding[]): Record<Severity, number> {
  const counts = { P0: 0, P1: 0, P2: 0, P3: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** The step's outputs (action.yml `outputs:`), every value a string. Pure. */
export function actionOutputsOf(run: ActionRun): Record<string, string> {
  return {
    status: run.status,
    p0: String(run.openBySeverity.P0),
    p1: String(run.openBySeverity.P1),
    p2: String(run.openBySeverity.P2),
    p3: String(run.openBySeverity.P3),
    "findings-json": JSON.stringify(run.openFindings.map(({ severity, title, path, line, url }) => ({ severity, title, path, line, url }))),
    "input-tokens": String(run.usage.inputTokens),
    "output-tokens": String(run.usage.outputTokens),
    cost: run.usage.usdSpent.toFixed(4),
    "review-url": run.reviewUrl ?? "",
    "skipped-reason": run.skippedReason ?? "",
  };
}
