import type { FileDiff } from "../diff/types.js";
import type { OwnThread } from "./thread-findings.js";

/** Changes this many lines above or below a finding's line count as touching it (a fix often adds a guard just above). */
export const FIX_CHECK_MARGIN_LINES = 5;

export interface FixCandidateInput {
  threads: readonly OwnThread[];
  headSha: string;
  /** Head of the app's last review of the PR; null when there was none. */
  lastReviewedHead: string | null;
  /** What the commits since `lastReviewedHead` changed (the incremental review's compare); null when unknown. */
  newChanges: readonly FileDiff[] | null;
}

/**
 * The open threads to check against a new head: those GitHub marks outdated, or whose lines (with a
 * margin) the new commits changed. When the new commits are known, a thread whose file they did not
 * touch is skipped even if outdated: its code is as it was at the last check. When they are not known
 * (no earlier review, a rewritten history, GitHub's caps), GitHub's outdated flag alone decides. A
 * head already reviewed brings nothing new to check. Pure.
 */
export function selectFixCandidates(input: FixCandidateInput): OwnThread[] {
  if (input.lastReviewedHead === input.headSha) return [];
  const changed = input.newChanges ? changedLinesByPath(input.newChanges) : null;
  return input.threads.filter((own) => {
    // Resolved yet open: someone without write access resolved it; we neither reply in it nor resolve it again.
    if (own.state !== "open" || own.reopened || own.thread.isResolved || own.marker.headSha === input.headSha) return false;
    if (!changed) return own.thread.isOutdated;
    const lines = changed.get(own.thread.path);
    if (!lines) return false;
    if (own.thread.isOutdated || own.thread.line === null) return true;
    const line = own.thread.line;
    for (let at = line - FIX_CHECK_MARGIN_LINES; at <= line + FIX_CHECK_MARGIN_LINES; at++) if (lines.has(at)) return true;
    return false;
  });
}

/** Head lines the changes added, and the head lines beside each deletion. */
function changedLinesByPath(files: readonly FileDiff[]): Map<string, Set<number>> {
  const byPath = new Map<string, Set<number>>();
  for (const file of files) {
    const lines = byPath.get(file.path) ?? new Set<number>();
    for (const hunk of file.hunks) {
      let lastRight = hunk.newStart - 1;
      for (const line of hunk.lines) {
        if (line.kind === "del") lines.add(lastRight).add(lastRight + 1);
        else if (line.newLine !== null) {
          if (line.kind === "add") lines.add(line.newLine);
          lastRight = line.newLine;
        }
      }
    }
    byPath.set(file.path, lines);
  }
  return byPath;
}
