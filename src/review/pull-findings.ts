import type { Severity } from "./types.js";

/**
 * The findings a pull request carries across its reviews, read back from our review threads (each
 * inline comment's hidden finding marker) and GitHub's thread state. Built by the thread lifecycle
 * (resolve when fixed), read by the check-run policy and the summary comment.
 */
export type FindingState = "open" | "fixed" | "dismissed";

export interface PullFinding {
  /** The finding's 10-hex fingerprint (finding-fingerprint.ts), stable across pushes. */
  fingerprint: string;
  severity: Severity;
  title: string;
  path: string;
  /** Line at the thread's current position; null when GitHub reports the thread outdated with no line. */
  line: number | null;
  state: FindingState;
  /** Head SHA of the review that raised it. */
  raisedOn: string;
  /** Commit named as the fix, when `state` is `fixed`. */
  fixedIn: string | null;
  /** Link to the comment on GitHub, when known. */
  url: string | null;
  /** GraphQL node id of the review thread, when the finding is an inline comment. */
  threadId: string | null;
}
