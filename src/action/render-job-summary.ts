import { neutraliseModelLine, renderCodeSpan } from "../review/neutralise-model-text.js";
import type { ActionRun } from "./summarise-action-run.js";

/** Open findings listed in the job summary; the PR's summary comment has them all. */
const MAX_LISTED_FINDINGS = 50;

const STATUS_HEADINGS: Record<ActionRun["status"], string> = {
  posted: "Review posted",
  "already-posted": "Already reviewed",
  "nothing-new": "Nothing new to review",
  skipped: "Review skipped",
  refused: "Review refused",
  superseded: "Review superseded by a newer push",
  done: "Done",
  ignored: "No review requested",
};

/** The step's job summary (Markdown appended to GITHUB_STEP_SUMMARY). Model-written titles are made inert. Pure. */
export function renderJobSummary(run: ActionRun): string {
  const pull = run.pull ? ` on ${run.pull.owner}/${run.pull.repo}#${run.pull.pullNumber}` : "";
  const lines = [`## codex-review: ${STATUS_HEADINGS[run.status]}${pull}`, ""];
  if (run.reviewUrl) lines.push(`[Open the review](${run.reviewUrl})`, "");
  if (run.skippedReason) lines.push(`Nothing was posted: ${neutraliseModelLine(run.skippedReason)}.`, "");
  if (run.status === "posted") lines.push(`This review posted ${run.newFindings} finding(s).`, "");
  if (run.pull) {
    const { P0, P1, P2, P3 } = run.openBySeverity;
    lines.push("| Open findings | P0 | P1 | P2 | P3 |", "| --- | --- | --- | --- | --- |", `| on the pull request | ${P0} | ${P1} | ${P2} | ${P3} |`, "");
  }
  for (const finding of run.openFindings.slice(0, MAX_LISTED_FINDINGS)) {
    const where = renderCodeSpan(finding.line === null ? finding.path : `${finding.path}:${finding.line}`);
    const title = neutraliseModelLine(finding.title);
    lines.push(`- **${finding.severity}** ${finding.url ? `[${title}](${finding.url})` : title} (${where})`);
  }
  if (run.openFindings.length > MAX_LISTED_FINDINGS) lines.push(`- …and ${run.openFindings.length - MAX_LISTED_FINDINGS} more in the pull request's summary comment`);
  if (run.openFindings.length > 0) lines.push("");
  const { inputTokens, outputTokens, usdSpent } = run.usage;
  lines.push(`Model use: ${inputTokens} input tokens, ${outputTokens} output tokens, $${usdSpent.toFixed(4)}.`, "");
  return lines.join("\n");
}
