import type { CheckConclusion, CheckOutput } from "../github/check-runs.js";
import type { PullFinding } from "../review/pull-findings.js";
import { renderNothingNewSummary, renderNothingNewTitle } from "../review/render-notices.js";
import { renderFindingList, renderSeverityCounts } from "../review/render-pull-findings.js";
import type { CheckFailOn } from "../review/review-settings.js";
import { judgePullRequest, verdictOf, type PullJudgement } from "../review/review-verdict.js";
import { summariseToolUse } from "../review/render-tool-use.js";
import type { ReviewOutcome } from "./review-outcome.js";

/** The pull request's findings at the reviewed head, and the repository's `check.fail_on`. */
export interface PullState {
  findings: readonly PullFinding[];
  failOn: CheckFailOn;
}

/** Open findings listed at most in a check run's summary (GitHub allows 65,535 characters). */
const MAX_LISTED = 50;

/**
 * The check run's verdict on a finished job. With `pull`, a posted review (or one found already
 * posted, or a push with nothing new) is judged on every finding still open on the pull request, not
 * on this push's alone (see judgePullRequest). Without it (the CLI, or a job that never read them),
 * on the review's own findings. A skipped or superseded run is never `success`. Pure.
 */
export function summariseForCheck(outcome: ReviewOutcome, pull?: PullState): [CheckConclusion, CheckOutput] {
  switch (outcome.status) {
    case "posted": {
      const { P0, P1, P2, P3 } = outcome.severityCounts;
      const total = P0 + P1 + P2 + P3;
      const lines = [
        `${outcome.mode === "incremental" ? "Incremental" : "Full"} review of ${outcome.filesReviewed} file(s).`,
        `New findings: P0 ${P0}, P1 ${P1}, P2 ${P2}, P3 ${P3} (${outcome.comments} inline, ${outcome.bodyOnlyFindings} in the review body${outcome.repeatedFindings ? `, ${outcome.repeatedFindings} already reported earlier` : ""}).`,
        outcome.failedChunks ? `${outcome.failedChunks} chunk(s) could not be reviewed; see the review.` : "",
        `Tokens: ${outcome.usage.inputTokens} in / ${outcome.usage.outputTokens} out ($${outcome.usage.usdSpent.toFixed(4)}).`,
        outcome.toolUse ? summariseToolUse(outcome.toolUse) : "",
      ];
      if (!pull) {
        const title = total === 0 ? "No issues found" : `${total} finding(s): ${P0} P0, ${P1} P1`;
        return [verdictOf(outcome.severityCounts, outcome.failedChunks), { title, summary: lines.filter(Boolean).join("\n") }];
      }
      const judged = judgePullRequest(pull.findings, pull.failOn, outcome.failedChunks > 0);
      return [judged.verdict, { title: pullTitle(judged, total === 0 ? "No issues found" : `${total} new finding(s)`), summary: [...lines, "", renderOpen(judged, pull)].filter(Boolean).join("\n") }];
    }
    case "superseded":
      return ["neutral", { title: "Superseded by a newer push", summary: `The head moved to ${outcome.currentHeadSha} during the review.` }];
    case "skipped":
      return ["skipped", { title: `Review skipped: ${outcome.reason}`, summary: `No review was posted because ${outcome.reason}.` }];
    case "nothing-new": {
      const nothingNew = { title: renderNothingNewTitle(outcome.since), summary: renderNothingNewSummary(outcome.since) };
      const judged = pull ? judgePullRequest(pull.findings, pull.failOn) : null;
      // Nothing was reviewed, but the findings still open on the PR still stand: never a green skip over them.
      if (!judged || !pull || judged.verdict === "success") return ["skipped", nothingNew];
      return [judged.verdict, { title: pullTitle(judged, nothingNew.title), summary: `${nothingNew.summary}\n\n${renderOpen(judged, pull)}` }];
    }
    case "already-posted": {
      const summary = `Review ${outcome.reviewId} covers ${outcome.headSha}; its findings are in the review.`;
      if (!pull) return [outcome.verdict ?? "neutral", { title: outcome.verdict === "success" ? "No issues found" : "Reviewed", summary }];
      // The marker's `neutral` with no P0/P1 raised on this head means chunks failed: never green then.
      const raisedHere = pull.findings.some((finding) => finding.raisedOn === outcome.headSha && (finding.severity === "P0" || finding.severity === "P1"));
      const judged = judgePullRequest(pull.findings, pull.failOn, outcome.verdict === "neutral" && !raisedHere);
      return [judged.verdict, { title: pullTitle(judged, "Reviewed"), summary: `${summary}\n\n${renderOpen(judged, pull)}` }];
    }
    case "refused":
    case "done":
      return ["neutral", { title: "Nothing to review", summary: outcome.status === "refused" ? outcome.reason : outcome.action }];
  }
}

/** "Open on this pull request: 1 P0, 2 P1 · 3 new finding(s)", or the fallback when nothing P0/P1 is open. */
function pullTitle(judged: PullJudgement, fallback: string): string {
  const { P0, P1 } = judged.open;
  if (P0 + P1 === 0) return fallback;
  return `Open on this pull request: ${renderSeverityCounts({ P0, P1, P2: 0, P3: 0 })} · ${fallback}`;
}

function renderOpen(judged: PullJudgement, pull: PullState): string {
  const open = pull.findings.filter((finding) => finding.state === "open");
  const policy =
    pull.failOn === "never" ? "`check.fail_on: never`: open findings make this check neutral, never failing." : `\`check.fail_on: ${pull.failOn}\`: an open ${pull.failOn === "P0" ? "P0" : "P0 or P1"} fails this check.`;
  if (open.length === 0) return `Open findings on this pull request: none.\n${policy}`;
  return [`Open findings on this pull request (every review's, fixed and dismissed ones left out): ${renderSeverityCounts(judged.open)}.`, policy, "", renderFindingList(open, MAX_LISTED)].join("\n");
}
