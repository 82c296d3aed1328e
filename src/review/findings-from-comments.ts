import { createHash } from "node:crypto";
import type { PullFinding } from "./pull-findings.js";
import type { Severity } from "./types.js";

/**
 * INTERIM (replaced by the thread lifecycle's reader, which reads `reviewThreads` and each comment's
 * finding marker): the PR's findings recovered from the app's own inline comments, every one taken as
 * open. Each comment starts with the line renderComment writes: `**P1** · should fix · **<title>**`.
 */
export interface OwnInlineComment {
  id: number;
  /** The review the comment belongs to. */
  reviewId: number | null;
  body: string;
  path: string;
  line: number | null;
  /** The head the comment was posted on (`original_commit_id`). */
  commitId: string;
  url: string | null;
}

const FIRST_LINE = /^\*\*(P[0-3])\*\* · [^·\n]{1,40} · \*\*(.*)\*\*$/;

export function findingsFromComments(comments: readonly OwnInlineComment[]): PullFinding[] {
  return comments.flatMap((comment) => {
    const end = comment.body.indexOf("\n");
    const match = FIRST_LINE.exec((end < 0 ? comment.body : comment.body.slice(0, end)).slice(0, 2_000).trimEnd());
    if (!match) return [];
    return [
      {
        // A stand-in identity, stable across reads: the comment itself.
        fingerprint: createHash("sha256").update(`comment:${comment.id}`).digest("hex").slice(0, 10),
        severity: match[1] as Severity,
        title: match[2]!,
        path: comment.path,
        line: comment.line,
        state: "open",
        raisedOn: comment.commitId,
        fixedIn: null,
        url: comment.url,
        threadId: null,
      },
    ];
  });
}
