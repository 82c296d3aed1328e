import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { commentOnPullRequest } from "../github/conversation.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { editIssueComment, getIssueComment } from "../github/issue-comments.js";
import type { SummaryCommentClaims } from "../queue/summary-comment-claims.js";

/** The PR's summary comment as the job's first read saw it. */
export interface KnownSummaryComment {
  id: number;
  body: string;
}

/** How long a job waits for another job's summary comment to be created before it leaves the update to the next review. */
const BUSY_WAITS_MS = [250, 500, 1_000, 2_000, 4_000];

export type SummaryWrite = "created" | "edited" | "unchanged" | "left-to-another-job";

/**
 * Creates the PR's one summary comment, or edits it in place: one write at most, none when the text
 * would not change. `render` gets the comment's current body (null when there is none) and returns the
 * new one. The comment is found by the job's first read (its hidden marker, in the app's own comments)
 * or, failing that, by the id the claims store recorded; creation is claimed there first, so two jobs
 * of one PR never post two summaries (see summary-comment-claims.ts).
 */
export async function writeSummaryComment(
  github: GithubClient,
  ref: PullRequestRef,
  known: KnownSummaryComment | null,
  render: (currentBody: string | null) => string,
  claims: SummaryCommentClaims | undefined,
  log: Logger,
): Promise<SummaryWrite> {
  const recorded = known ?? (claims ? await commentById(github, ref, await claims.lookup(ref)) : null);
  if (recorded) {
    const edited = await edit(github, ref, recorded, render);
    if (edited) return edited;
    // Someone deleted it: a new one is created below.
    await claims?.forget(ref);
  }
  if (!claims) return create(github, ref, render(null));

  for (const waitMs of [0, ...BUSY_WAITS_MS]) {
    if (waitMs) await sleep(waitMs);
    const claim = await claims.claim(ref);
    if (claim === "busy") continue;
    if (claim !== "claimed") {
      const existing = await commentById(github, ref, claim.id);
      if (existing) return (await edit(github, ref, existing, render)) ?? "left-to-another-job";
      await claims.forget(ref);
      continue;
    }
    try {
      const id = await commentOnPullRequest(github, ref, render(null), { once: true });
      await claims.record(ref, id);
      return "created";
    } catch (error) {
      // The comment may exist all the same (a lost answer): the next review finds it by its marker.
      await claims.forget(ref);
      throw error;
    }
  }
  log.info("Another job is creating the summary comment; the next review updates it");
  return "left-to-another-job";
}

async function edit(github: GithubClient, ref: PullRequestRef, comment: KnownSummaryComment, render: (body: string | null) => string): Promise<SummaryWrite | null> {
  const body = render(comment.body);
  if (body === comment.body) return "unchanged";
  return (await editIssueComment(github, ref, comment.id, body)) ? "edited" : null;
}

async function create(github: GithubClient, ref: PullRequestRef, body: string): Promise<SummaryWrite> {
  await commentOnPullRequest(github, ref, body, { once: true });
  return "created";
}

async function commentById(github: GithubClient, ref: PullRequestRef, id: number | null): Promise<KnownSummaryComment | null> {
  if (id === null) return null;
  const comment = await getIssueComment(github, ref, id);
  const body = comment ? (comment.body ?? "") : null;
  return body === null ? null : { id, body };
}
