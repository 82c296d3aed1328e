import { cutText } from "../diff/cut-text.js";
import { renderCodeSpan } from "./neutralise-model-text.js";
import type { PullFinding } from "./pull-findings.js";
import { renderFindingList, renderSeverityCounts } from "./render-pull-findings.js";
import { renderInline } from "./render-review.js";
import { countOpenFindings } from "./review-verdict.js";
import { renderSummaryMarker, type SummaryData } from "./summary-data.js";

export interface SummaryCommentInput {
  data: SummaryData;
  /** The PR's findings at the head (every review's), in any state. */
  findings: readonly PullFinding[];
  /** Every file of the PR with its changed lines, in diff order. */
  files: readonly { path: string; additions: number; deletions: number }[];
  /** The head the summary describes. */
  headSha: string;
}

/** GitHub refuses comments over 65,536 characters. */
const MAX_COMMENT_CHARS = 60_000;
/** How much of each list is shown, tried in turn until the comment fits. */
const DETAIL_LEVELS = [
  { open: 50, closed: 30, entries: 60, paths: 5, reviews: 10 },
  { open: 20, closed: 10, entries: 30, paths: 3, reviews: 5 },
  { open: 5, closed: 3, entries: 10, paths: 1, reviews: 3 },
  { open: 0, closed: 0, entries: 0, paths: 0, reviews: 0 },
] as const;
type Detail = (typeof DETAIL_LEVELS)[number];

/**
 * The one summary comment of a pull request, rewritten whole on every review: what the PR changes (a
 * line per file or group of files, from the model's chunk summaries and the diff's line counts), the
 * findings by state, the reviews with their cost, and the hidden history marker. Model text and paths
 * are posted inert. Pure.
 */
export function renderSummaryComment(input: SummaryCommentInput): string {
  const marker = renderSummaryMarker(input.data);
  for (const detail of DETAIL_LEVELS) {
    const body = [...renderSections(input, detail), marker].join("\n\n");
    if (body.length <= MAX_COMMENT_CHARS) return body;
  }
  return [`### Codex review summary`, "The summary is too large to show.", marker].join("\n\n");
}

/**
 * What a PR's first review adds to its body so that it stands in for the summary comment (the summary
 * comment is created by a later review, from this history): the walkthrough and the hidden history
 * marker, which ends the body. The review itself shows the findings. At most `maxChars`; null when even
 * the marker does not fit. Pure.
 */
export function renderSummaryForReview(input: Omit<SummaryCommentInput, "findings">, maxChars: number): string | null {
  const marker = renderSummaryMarker(input.data);
  for (const detail of DETAIL_LEVELS) {
    const text = [renderWalkthrough({ ...input, findings: [] }, detail), marker].join("\n\n");
    if (text.length <= maxChars) return text;
  }
  return marker.length <= maxChars ? marker : null;
}

function renderSections(input: SummaryCommentInput, detail: Detail): string[] {
  return [
    `### Codex review summary\n<sub>One comment per pull request, kept up to date by codex-review (as of ${input.headSha.slice(0, 7)}).</sub>`,
    renderWalkthrough(input, detail),
    renderFindings(input.findings, detail),
    renderReviews(input.data, detail),
  ];
}

function renderWalkthrough({ data, files }: SummaryCommentInput, detail: Detail): string {
  const stats = new Map(files.map((file) => [file.path, file]));
  const described = new Set<string>();
  const lines = ["#### What this pull request changes"];
  for (const entry of data.walkthrough.slice(0, detail.entries)) {
    const paths = entry.paths.filter((path) => stats.has(path));
    if (paths.length === 0) continue;
    paths.forEach((path) => described.add(path));
    lines.push(`- ${renderPaths(paths, detail.paths)} ${renderStats(paths.map((path) => stats.get(path)!))}: ${renderInline(entry.summary) || "reviewed"}`);
  }
  const rest = files.filter((file) => !described.has(file.path));
  if (rest.length > 0) lines.push(`- ${lines.length > 1 ? "Other files" : "Files"}: ${renderPaths(rest.map((file) => file.path), detail.paths)} ${renderStats(rest)}`);
  return lines.join("\n");
}

/**
 * A path can spell an HTML comment (git allows any character but NUL): in a first review's body, whose
 * walkthrough comes after the review's marker, it would be read as the review's marker (the last one
 * wins). A word joiner between `<!` and `--` shows the same and opens no comment.
 */
const COMMENT_OPENER = /<!--/g;
const INERT_OPENER = "<!\u2060--";

function renderPaths(paths: readonly string[], max: number): string {
  const shown = paths.slice(0, max).map((path) => renderCodeSpan((path.length > 200 ? `${cutText(path, 200)}…` : path).replace(COMMENT_OPENER, INERT_OPENER)));
  const more = paths.length - shown.length;
  return [...shown, ...(more > 0 ? [`${shown.length ? "and " : ""}${more} file(s)`] : [])].join(", ");
}

function renderStats(files: readonly { additions: number; deletions: number }[]): string {
  const added = files.reduce((sum, file) => sum + file.additions, 0);
  const deleted = files.reduce((sum, file) => sum + file.deletions, 0);
  return `(+${added} −${deleted})`;
}

function renderFindings(findings: readonly PullFinding[], detail: Detail): string {
  const open = findings.filter((finding) => finding.state === "open");
  const fixed = findings.filter((finding) => finding.state === "fixed");
  const dismissed = findings.filter((finding) => finding.state === "dismissed");
  const lines = ["#### Findings"];
  if (findings.length === 0) return [...lines, "None so far."].join("\n");
  lines.push(`**Open**: ${renderSeverityCounts(countOpenFindings(findings))}`);
  if (open.length && detail.open) lines.push(renderFindingList(open, detail.open));
  lines.push(`**Fixed**: ${fixed.length}`);
  if (fixed.length && detail.closed) lines.push(renderFindingList(fixed, detail.closed, (finding) => (finding.fixedIn ? ` (fixed in ${renderCodeSpan(finding.fixedIn.slice(0, 7))})` : "")));
  lines.push(`**Dismissed**: ${dismissed.length}`);
  if (dismissed.length && detail.closed) lines.push(renderFindingList(dismissed, detail.closed));
  lines.push(renderAcceptance(findings.length, fixed.length, dismissed.length, open.length));
  return lines.join("\n");
}

/** How the findings were received: an operator reading many PRs sees whether the reviews help. */
function renderAcceptance(raised: number, fixed: number, dismissed: number, open: number): string {
  const share = (count: number) => `${Math.round((100 * count) / raised)}%`;
  return `<sub>Of ${raised} finding(s) raised: ${share(fixed)} fixed, ${share(dismissed)} dismissed, ${share(open)} still open.</sub>`;
}

function renderReviews(data: SummaryData, detail: Detail): string {
  const lines = ["#### Reviews"];
  const totals = { count: data.earlier.count, inputTokens: data.earlier.inputTokens, outputTokens: data.earlier.outputTokens, usdSpent: data.earlier.usdSpent, unknown: 0 };
  for (const review of data.reviews) {
    totals.count++;
    if (!review.usage) totals.unknown++;
    totals.inputTokens += review.usage?.inputTokens ?? 0;
    totals.outputTokens += review.usage?.outputTokens ?? 0;
    totals.usdSpent += review.usage?.usdSpent ?? 0;
  }
  if (totals.count === 0) return [...lines, "None yet."].join("\n");
  const shown = detail.reviews > 0 ? data.reviews.slice(-detail.reviews) : [];
  if (shown.length) {
    lines.push("| Head | Review | Tokens in / out | Cost |", "| --- | --- | --- | --- |");
    for (const review of shown) {
      const cost = review.usage ? `${formatTokens(review.usage.inputTokens)} / ${formatTokens(review.usage.outputTokens)} | ${formatUsd(review.usage.usdSpent)}` : "not recorded | not recorded";
      lines.push(`| ${renderCodeSpan(review.sha.slice(0, 7))} | ${review.mode ?? "review"} | ${cost} |`);
    }
  }
  const hidden = totals.count - shown.length;
  lines.push(
    `**Total**: ${totals.count} review(s)${hidden > 0 ? ` (${hidden} not listed)` : ""}, ${formatTokens(totals.inputTokens)} tokens in / ${formatTokens(totals.outputTokens)} out, ${formatUsd(totals.usdSpent)}` +
      (totals.unknown ? ` (the cost of ${totals.unknown} review(s) was not recorded)` : "") +
      ".",
  );
  return lines.join("\n");
}

const formatTokens = (tokens: number) => tokens.toLocaleString("en-US");
const formatUsd = (usd: number) => `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
