import { isDismissingReply } from "./dismiss-rule.js";
import type { ReviewThread, ThreadComment } from "./review-thread.js";

/**
 * Who may dismiss one of our findings: only people with write access to the repository. On a public
 * repository anyone can react, reply and (as the PR's author) resolve a conversation; if that dismissed
 * findings, a fork's author could turn a `check.fail_on` gate green. Pure: the worker looks the
 * permissions up (worker/authorise-dismissals.ts) and passes the writers in.
 */
export interface DismissalAuthority {
  /** Logins, lower case, that GitHub says have write access or more. */
  writers: ReadonlySet<string>;
}

/** Nobody confirmed: people's 👎, replies and resolutions dismiss nothing (our own resolutions still do). */
export const NO_WRITERS: DismissalAuthority = { writers: new Set() };

/**
 * Associations that can come with write access. Not proof of it (a read-only collaborator is a
 * COLLABORATOR, an org member may only read): the permission lookup confirms. Anyone else (a fork's
 * author is CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR or NONE) is never looked up.
 */
const WRITER_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

export function isWriter(authority: DismissalAuthority, login: string | null): boolean {
  return login !== null && authority.writers.has(login.toLowerCase());
}

/** A person's reply that says the finding is dismissed (dismiss-rule.ts), whether or not its author may. */
function isDismissingReplyByCandidate(comment: ThreadComment): boolean {
  return comment.fromPerson && comment.author !== null && WRITER_ASSOCIATIONS.has(comment.association) && isDismissingReply(comment.body);
}

/** Dismissed by people with write access: a dismissing reply of one of them, or a 👎 of one of them on the opening comment. */
export function isDismissedByWriters(thread: ReviewThread, authority: DismissalAuthority): boolean {
  const root = thread.comments[0];
  if (root?.thumbsDownBy.some((login) => isWriter(authority, login))) return true;
  return thread.comments.some((comment) => isDismissingReplyByCandidate(comment) && isWriter(authority, comment.author));
}

/**
 * Resolved by someone who may dismiss: a writer, or an App (`resolvedBy` is null; ours resolves only
 * through the fix check or `/codex resolve`, which only writers can run). GitHub lets the PR's author
 * resolve any conversation on it: that alone dismisses nothing.
 */
export function isResolvedByWriter(thread: ReviewThread, authority: DismissalAuthority): boolean {
  return thread.isResolved && (thread.resolvedBy === null || isWriter(authority, thread.resolvedBy));
}

/** The people whose write access decides whether this thread is dismissed (lower case; looked up only when one exists). */
export function dismissalCandidates(thread: ReviewThread): string[] {
  const logins = [...(thread.comments[0]?.thumbsDownBy ?? [])];
  if (thread.isResolved && thread.resolvedBy !== null) logins.push(thread.resolvedBy);
  for (const comment of thread.comments) if (isDismissingReplyByCandidate(comment)) logins.push(comment.author!);
  return logins.map((login) => login.toLowerCase());
}
