import { cutText } from "../diff/cut-text.js";
import { neutraliseModelLine, neutraliseModelText, renderCodeBlock, renderCodeSpan } from "./neutralise-model-text.js";
import type { FailedChunk, Finding, ReviewComment, Severity, SkippedFile, TokenUsage } from "./types.js";

const SEVERITY_LABEL: Record<Severity, string> = {
  P0: "must fix",
  P1: "should fix",
  P2: "consider",
  P3: "nit",
};

/** GitHub refuses review bodies over 65,536 characters; stay well clear of it. */
const MAX_BODY_CHARS = 60_000;
const MAX_FINDING_BODY_CHARS = 1_500;

type Placement = Pick<ReviewComment, "line" | "side" | "start_line"> & {
  /** Whether the finding's quote matches the line (range) the comment sits on; see anchor-findings.ts. Default false. */
  quoteMatches?: boolean;
};

/**
 * The Markdown of one inline comment. The suggestion becomes a ```suggestion block only on RIGHT,
 * only when the finding's quote matches the lines the comment sits on, and only when the anchored
 * range spans as many lines as the model's own range: a block GitHub can apply must replace exactly
 * the lines the model wrote it for. Otherwise it is shown as a plain code block.
 */
export function renderComment(finding: Finding, comment: Placement): string {
  const parts = [`${severityBadge(finding.severity)} **${renderInline(finding.title)}**`];
  const body = renderProse(finding.body);
  if (body) parts.push(body);
  if (finding.suggestion !== null) {
    parts.push(
      suggestionApplies(finding, comment)
        ? renderCodeBlock(finding.suggestion, "suggestion")
        : `Suggested change:\n\n${renderCodeBlock(finding.suggestion, "")}`,
    );
  }
  return parts.join("\n\n");
}

export function severityBadge(severity: Severity): string {
  return `**${severity}** · ${SEVERITY_LABEL[severity]} ·`;
}

function suggestionApplies(finding: Finding, comment: Placement): boolean {
  if (comment.side !== "RIGHT" || comment.quoteMatches !== true) return false;
  const modelSpan =
    finding.startLine === null ? 1 : finding.startLine < finding.line ? finding.line - finding.startLine + 1 : Number.NaN;
  const anchoredSpan = comment.start_line === undefined ? 1 : comment.line - comment.start_line + 1;
  return modelSpan === anchoredSpan;
}


export interface ReviewBodyInput {
  /** One summary per reviewed chunk. */
  summaries: string[];
  /** Findings that could not sit on a diff line; listed under their file. */
  unanchored: Finding[];
  /** Inline comments posted with this body; with no unanchored findings, 0 means a clean review. */
  commentCount: number;
  skippedFiles: SkippedFile[];
  failedChunks: FailedChunk[];
  usage: TokenUsage;
  headSha: string;
  /** Model name shown in the footer. */
  model: string;
  /** The hidden marker to end the body with (see review-marker.ts). */
  marker: string;
  /** The rendered "Repository context" section (what the model read beyond the diff); empty or absent for none. */
  repositoryContext?: string;
}

/** The review's top-level body: summary, findings outside the diff, what was not reviewed, cost, marker. */
export function renderReviewBody(input: ReviewBodyInput): string {
  const clean = input.commentCount === 0 && input.unanchored.length === 0;
  const sections: string[] = [];
  const notReviewed = renderNotReviewed(input.skippedFiles, input.failedChunks);

  if (clean) {
    sections.push(notReviewed ? "**No issues found** in the files that were reviewed." : "**No issues found.**");
  } else {
    const summaries = input.summaries.map(renderProse).filter((summary) => summary.length > 0);
    const summary = summaries.length <= 1 ? (summaries[0] ?? "") : summaries.map((s) => `- ${s.replace(/\n+/g, " ")}`).join("\n");
    sections.push(["### Codex review", summary].filter(Boolean).join("\n\n"));
  }
  if (notReviewed) sections.push(notReviewed);
  if (input.repositoryContext) sections.push(input.repositoryContext);
  const footer = renderFooter(input);
  const marker = input.marker;

  // The outside-the-diff list is the one part that can grow without bound: it gets what room is left.
  const room = MAX_BODY_CHARS - sections.join("\n\n").length - footer.length - marker.length;
  if (input.unanchored.length > 0) sections.splice(1, 0, renderUnanchored(input.unanchored, room));
  return [...sections, footer, marker].join("\n\n");
}

function renderUnanchored(findings: readonly Finding[], room: number): string {
  const byPath = new Map<string, Finding[]>();
  for (const finding of findings) byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);

  const parts = ["#### Findings outside the diff\nThese concern lines GitHub does not let a review comment on."];
  let length = parts[0]!.length;
  let shown = 0;
  fill: for (const [path, group] of byPath) {
    for (const [i, finding] of group.entries()) {
      const body = renderProse(truncate(finding.body, MAX_FINDING_BODY_CHARS)).replace(/\n/g, "\n  ");
      const entry =
        (i === 0 ? `\n${renderCodeSpan(path)}\n` : "") +
        `- ${renderCodeSpan(`${path}:${finding.line}`)} ${severityBadge(finding.severity)} **${renderInline(finding.title)}**` +
        (body ? `\n  ${body}` : "");
      // Leaves room for the "…and N more" line.
      if (length + entry.length + 1 > room - 100) break fill;
      parts.push(entry);
      length += entry.length + 1;
      shown++;
    }
  }
  if (shown < findings.length) parts.push(`\n…and ${findings.length - shown} more not shown (the review body is full).`);
  return parts.join("\n");
}

function renderNotReviewed(skipped: readonly SkippedFile[], failed: readonly FailedChunk[]): string {
  if (skipped.length === 0 && failed.length === 0) return "";
  const lines = ["#### Not reviewed"];
  // Only the first files of a long list: a 3,000-file vendored directory would drown the review.
  for (const file of skipped.slice(0, 50)) lines.push(`- ${renderCodeSpan(file.path)}: ${renderInline(file.reason)}`);
  if (skipped.length > 50) lines.push(`- …and ${skipped.length - 50} more files`);
  for (const chunk of failed) {
    const files = chunk.paths.slice(0, 10).map(renderCodeSpan).join(", ") + (chunk.paths.length > 10 ? `, …and ${chunk.paths.length - 10} more` : "");
    lines.push(`- ${files}: the model call failed (${renderInline(chunk.reason)})`);
  }
  return lines.join("\n");
}

function renderFooter(input: ReviewBodyInput): string {
  const { inputTokens, outputTokens, usdSpent } = input.usage;
  const usd = `$${usdSpent.toFixed(usdSpent > 0 && usdSpent < 0.01 ? 4 : 2)}`;
  const tokens = `${inputTokens.toLocaleString("en-US")} tokens in / ${outputTokens.toLocaleString("en-US")} out`;
  return `<sub>${renderInline(input.model)} · commit ${input.headSha.slice(0, 7)} · ${tokens} · ${usd}</sub>`;
}

/**
 * Model text is cut to these lengths before it is read: GitHub refuses comments over 65,536
 * characters anyway, and a title or a reason is one short line.
 */
export const MAX_PROSE_CHARS = 30_000;
export const MAX_INLINE_CHARS = 500;

/** Model Markdown made safe to post (see neutralise-model-text.ts for what is neutralised and how). */
export function renderProse(text: string): string {
  return neutraliseModelText(truncate(text.trim(), MAX_PROSE_CHARS));
}

/** As `renderProse`, on one line. */
export function renderInline(text: string): string {
  return neutraliseModelLine(truncate(text.trim(), MAX_INLINE_CHARS));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${cutText(text, max)}…`;
}
