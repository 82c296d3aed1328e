import { dismissalCandidates, isDismissedByWriters, isResolvedByWriter, type DismissalAuthority } from "./dismissal-authority.js";
import { parseFindingMarker, parseFixedMarker, type FindingMarker } from "./finding-marker.js";
import type { PostedFinding } from "./assemble-review.js";
import type { FindingState, PullFinding } from "./pull-findings.js";
import type { ReviewThread, ThreadComment } from "./review-thread.js";

/** One of our review threads, with what its comments and GitHub's state say about the finding. */
export interface OwnThread {
  thread: ReviewThread;
  marker: FindingMarker;
  title: string;
  /** REST id of the comment that opened the thread. */
  rootCommentId: number | null;
  state: FindingState;
  /** Commit named by our fix reply, when there is one. */
  fixedIn: string | null;
  /** Our fix reply is posted at the head under review but the thread is not resolved yet (a retry finishes it). */
  resolvePending: boolean;
  /** Open, yet our fix reply names an earlier head: a person reopened it; we leave it to them. */
  reopened: boolean;
}

// renderComment opens every comment with `**P1** · label · **Title**`.
const HEADING = /^\*\*P[0-3]\*\*\s·[^·\n]*·\s\*\*(.+?)\*\*\s*(?:\n|$)/;

/**
 * Our threads (opened by the app, with a finding marker) and their state. Pure.
 *
 * - fixed: resolved, with our fix reply in it (or our fix reply at `headSha`, resolve pending);
 * - dismissed, only by people with write access (`authority`, dismissal-authority.ts): resolved without
 *   our fix reply by a writer or by an App (`/codex resolve`), or its first comment got a writer's 👎,
 *   or a writer answered with a dismissing reply (dismiss-rule.ts);
 * - open: the rest, a thread someone without write access resolved included (it is left resolved).
 */
export function classifyThreads(threads: readonly ReviewThread[], headSha: string, authority: DismissalAuthority): OwnThread[] {
  return threads.flatMap((thread) => {
    const root = thread.comments[0];
    const marker = root?.fromApp ? parseFindingMarker(root.body) : null;
    if (!root || !marker) return [];
    const fixed = lastFixReply(thread.comments, marker.fingerprint);
    let state: FindingState = "open";
    let resolvePending = false;
    let reopened = false;
    if (thread.isResolved && fixed) state = "fixed";
    else if (isResolvedByWriter(thread, authority) || isDismissedByWriters(thread, authority)) state = "dismissed";
    else if (fixed && fixed.headSha === headSha) [state, resolvePending] = ["fixed", true];
    else if (fixed) reopened = true;
    return [
      {
        thread,
        marker,
        title: HEADING.exec(root.body)?.[1] ?? "",
        rootCommentId: root.id,
        state,
        fixedIn: fixed?.headSha ?? null,
        resolvePending,
        reopened,
      },
    ];
  });
}

/** Our threads whose state people can still decide: all but those we resolved as fixed. */
function undecidedOwnThreads(threads: readonly ReviewThread[]): ReviewThread[] {
  return threads.filter((thread) => {
    const root = thread.comments[0];
    const marker = root?.fromApp ? parseFindingMarker(root.body) : null;
    return marker !== null && !(thread.isResolved && lastFixReply(thread.comments, marker.fingerprint));
  });
}

/** Node ids of our findings' comments that got a 👎: only for them is it read who gave it. Pure. */
export function commentsNeedingReactors(threads: readonly ReviewThread[]): string[] {
  return undecidedOwnThreads(threads).flatMap((thread) => (thread.comments[0]!.thumbsDown > 0 ? [thread.comments[0]!.nodeId] : []));
}

/** The threads with who gave the 👎s on their opening comments (`reactors` by comment node id). Pure. */
export function withThumbsDownReactors(threads: readonly ReviewThread[], reactors: ReadonlyMap<string, string[]>): ReviewThread[] {
  return threads.map((thread) => {
    const [root, ...replies] = thread.comments;
    const by = root ? reactors.get(root.nodeId) : undefined;
    return root && by ? { ...thread, comments: [{ ...root, thumbsDownBy: by }, ...replies] } : thread;
  });
}

/**
 * Who must be confirmed a writer before `classifyThreads` can tell whether our threads are dismissed:
 * the people who gave the 👎s on our findings, resolved them without our fix reply, or answered them
 * with a dismissal. Empty (no lookup at all) when nobody did any of that. Pure.
 */
export function loginsToAuthorise(threads: readonly ReviewThread[]): string[] {
  return [...new Set(undecidedOwnThreads(threads).flatMap(dismissalCandidates))];
}

function lastFixReply(comments: readonly ThreadComment[], fingerprint: string) {
  for (const comment of [...comments].reverse()) {
    const fixed = comment.fromApp ? parseFixedMarker(comment.body) : null;
    if (fixed && fixed.fingerprint === fingerprint) return fixed;
  }
  return null;
}

/** The findings as the check run and the summary read them. Pure. */
export function toPullFindings(threads: readonly OwnThread[]): PullFinding[] {
  return threads.map((own) => ({
    fingerprint: own.marker.fingerprint,
    severity: own.marker.severity,
    title: own.title,
    path: own.thread.path,
    line: own.thread.line,
    state: own.state,
    raisedOn: own.marker.headSha,
    fixedIn: own.state === "fixed" ? own.fixedIn : null,
    url: own.thread.comments[0]?.url ?? null,
    threadId: own.thread.id,
  }));
}

/**
 * The PR's findings right after a review: its threads' (states after the fix check) and the findings
 * this review just posted (open; their threads are not read back, so no thread id or link). Pure.
 */
export function findingsAfterReview(threads: readonly OwnThread[], posted: readonly PostedFinding[], headSha: string): PullFinding[] {
  const known = new Set(threads.map((own) => own.marker.fingerprint));
  const fresh = posted
    .filter((finding) => !known.has(finding.fingerprint))
    .map((finding) => ({
      fingerprint: finding.fingerprint,
      severity: finding.severity,
      title: finding.title,
      path: finding.path,
      line: finding.line,
      state: "open" as const,
      raisedOn: headSha,
      fixedIn: null,
      url: null,
      threadId: null,
    }));
  return [...toPullFindings(threads), ...fresh];
}

/** Fingerprints people dismissed on this PR: never raised again. Pure. */
export function dismissedFingerprints(threads: readonly OwnThread[]): string[] {
  return threads.filter((own) => own.state === "dismissed").map((own) => own.marker.fingerprint);
}
