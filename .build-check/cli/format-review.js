// renderComment opens every comment with `**P1** · label · **Title**`; the CLI reads it back for its header line.
const COMMENT_HEADING = /^\*\*(P[0-3])\*\*\s·[^·]*·\s\*\*(.+?)\*\*\s*(?:\n|$)/;
const MARKER = /\n*<!--\s*codex-review:v1[^>]*-->\s*/g;
/** One comment as `path:line (side) [P1] title`, then its body indented. */
export function formatComment(comment) {
    const lines = comment.start_line === undefined ? `${comment.line}` : `${comment.start_line}-${comment.line}`;
    const heading = COMMENT_HEADING.exec(comment.body);
    const title = heading ? `[${heading[1]}] ${heading[2]}` : "";
    const body = (heading ? comment.body.slice(heading[0].length) : comment.body).trim();
    const indented = body
        .split("\n")
        .map((line) => (line ? `    ${line}` : ""))
        .join("\n");
    return `${comment.path}:${lines} (${comment.side}) ${title}`.trimEnd() + (indented ? `\n${indented}` : "");
}
/** The review as a dry run prints it: the line comments, then the summary body GitHub would show. */
export function formatReview(review) {
    const parts = [`${review.comments.length} line comment(s)`];
    for (const comment of review.comments)
        parts.push(formatComment(comment));
    parts.push("--- review body ---", review.body.replace(MARKER, "\n").trim());
    return `${parts.join("\n\n")}\n`;
}
