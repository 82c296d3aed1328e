import type { PullRequestRef } from "../github/github-client.js";
import { appBotLogin } from "../github/own-review-author.js";
import { reactBestEffort } from "../github/react-best-effort.js";
import { loadReviewContext } from "../github/review-context.js";
import { resolveThreads } from "../github/thread-mutations.js";
import type { CommandJobData } from "../queue/review-job.js";
import type { CommandDependencies } from "./run-command.js";
import { readOwnThreads } from "./read-pull-findings.js";
import type { ReviewOutcome } from "./review-outcome.js";

/**
 * `/codex resolve` (write access checked by the caller): every open thread of ours on the PR is resolved,
 * in ONE mutation document (after one that reopens the threads a non-writer resolved, when there are
 * any). A thread we resolved without our fix reply reads as dismissed from then on
 * (thread-findings.ts), so its finding is never raised again and no later fix check touches it.
 */
export async function resolveAllThreads(job: CommandJobData, ref: PullRequestRef, deps: CommandDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const context = await loadReviewContext(github, ref, appBotLogin(deps.appSlug));
  // The requester's write access was just checked: not asked again should they have dismissed a thread.
  const writeAccess = new Map([[job.requestedBy.toLowerCase(), Promise.resolve(true)]]);
  const threads = await readOwnThreads(github, ref, context, appBotLogin(deps.appSlug), context.pr.head.sha, writeAccess);
  // Resolved by someone without write access, so still open in our findings: reopened first (one more
  // request, only when there are such threads) so that our resolution is the one that counts.
  const resolvedByOthers = threads.filter((own) => own.state === "open" && own.thread.isResolved).map((own) => own.thread.id);
  const reopened = await resolveThreads(github, resolvedByOthers, false);
  for (const failure of reopened.failed) log.warn({ threadId: failure.threadId, reason: failure.message }, "Could not reopen a thread to resolve it");
  const open = [...threads.filter((own) => !own.thread.isResolved).map((own) => own.thread.id), ...reopened.done];
  const resolved = await resolveThreads(github, open);
  for (const failure of resolved.failed) log.warn({ threadId: failure.threadId, reason: failure.message }, "Could not resolve a thread");
  await reactBestEffort(github, ref, job.commentId, "+1", log);
  log.info({ resolved: resolved.done.length }, "Resolved the app's open threads on request");
  return { status: "done", action: `resolved ${resolved.done.length} open thread(s)` };
}
