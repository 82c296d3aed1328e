import type { AssembledReview } from "../review/assemble-review.js";
import type { ReviewComment } from "../review/types.js";

// renderComment opens every comment with `**P1** · label · **Title**`; the CLI reads it back for its header line.
const COMMENT_HEADING = /^\*\*(P[0-3])\*\*\s·[^·]*·\s\*\*(.+?)\*\*\s*(?:\n|$)/;
const MARKER_START = "<!-- codex-review:v1";
const FINDING_MARKER_START = "<!-- codex-review:finding";

/** One comment as `path:line (side) [P1] title`, then its body indented. */
export function formatComment(comment: ReviewComment): string {
  const lines = comment.start_line === undefined ? `${comment.line}` : `${comment.start_line}-${comment.line}`;
  const heading = COMMENT_HEADING.exec(comment.body);
  const title = heading ? `[${heading[1]}] ${heading[2]}` : "";
  // The finding marker ends every posted comment; a reader of the dry run has no use for it.
  const marker = comment.body.lastIndexOf(FINDING_MARKER_START);
  const text = marker >= 0 ? comment.body.slice(0, marker) : comment.body;
  const body = (heading ? text.slice(heading[0].length) : text).trim();
  const indented = body
    .split("\n")
    .map((line) => (line ? `    ${line}` : ""))
    .join("\n");
  return `${comment.path}:${lines} (${comment.side}) ${title}`.trimEnd() + (indented ? `\n${indented}` : "");
}

/** The review as a dry run prints it: the line comments, then the summary body GitHub would show. */
export function formatReview(review: Pick<AssembledReview, "body" | "comments">): string {
  const parts = [`${review.comments.length} line comment(s)`];
  for (const comment of review.comments) parts.push(formatComment(comment));
  parts.push("--- review body ---", withoutMarker(review.body).trim());
  return `${parts.join("\n\n")}\n`;
}

/**
 * The body without the hidden marker that renderReviewBody puts last. A cut at the last marker, not a
 * `/\n*<!--...-->/g` replace, which rescanned every newline run of a crafted body (quadratic).
 */
function withoutMarker(body: string): string {
  const at = body.lastIndexOf(MARKER_START);
  return at >= 0 && body.trimEnd().endsWith("-->") ? body.slice(0, at) : body;
}
