import type { CheckConclusion, CheckOutput } from "../github/check-runs.js";
import { renderNothingNewSummary, renderNothingNewTitle } from "../review/render-notices.js";
import { summariseToolUse } from "../review/render-tool-use.js";
import { verdictOf } from "../review/review-verdict.js";
import type { ReviewOutcome } from "./review-outcome.js";

/**
 * The check run's verdict on a finished job. Only a posted review with no P0/P1 finding is green; a
 * skipped or superseded run is never `success`, so it cannot read as "clean". Pure.
 */
export function summariseForCheck(outcome: ReviewOutcome): [CheckConclusion, CheckOutput] {
  switch (outcome.status) {
    case "posted": {
      const { P0, P1, P2, P3 } = outcome.severityCounts;
      const total = P0 + P1 + P2 + P3;
      const summary = [
        `${outcome.mode === "incremental" ? "Incremental" : "Full"} review of ${outcome.filesReviewed} file(s).`,
        `Findings: P0 ${P0}, P1 ${P1}, P2 ${P2}, P3 ${P3} (${outcome.comments} inline, ${outcome.bodyOnlyFindings} in the review body${outcome.repeatedFindings ? `, ${outcome.repeatedFindings} already reported earlier` : ""}).`,
        outcome.failedChunks ? `${outcome.failedChunks} chunk(s) could not be reviewed; see the review.` : "",
        `Tokens: ${outcome.usage.inputTokens} in / ${outcome.usage.outputTokens} out ($${outcome.usage.usdSpent.toFixed(4)}).`,
        outcome.toolUse ? summariseToolUse(outcome.toolUse) : "",
      ]
        .filter(Boolean)
        .join("\n");
      const title = total === 0 ? "No issues found" : `${total} finding(s): ${P0} P0, ${P1} P1`;
      return [verdictOf(outcome.severityCounts, outcome.failedChunks), { title, summary }];
    }
    case "superseded":
      return ["neutral", { title: "Superseded by a newer push", summary: `The head moved to ${outcome.currentHeadSha} during the review.` }];
    case "skipped":
      return ["skipped", { title: `Review skipped: ${outcome.reason}`, summary: `No review was posted because ${outcome.reason}.` }];
    case "nothing-new":
      return ["skipped", { title: renderNothingNewTitle(outcome.since), summary: renderNothingNewSummary(outcome.since) }];
    case "already-posted":
      return [
        outcome.verdict ?? "neutral",
        { title: outcome.verdict === "success" ? "No issues found" : "Reviewed", summary: `Review ${outcome.reviewId} covers ${outcome.headSha}; its findings are in the review.` },
      ];
    case "refused":
    case "done":
      return ["neutral", { title: "Nothing to review", summary: outcome.status === "refused" ? outcome.reason : outcome.action }];
  }
}
