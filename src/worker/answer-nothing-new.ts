import { commentOnPullRequest } from "../github/conversation.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { pullHasCommentWith } from "../github/issue-comments.js";
import { nothingNewMarker, renderNothingNewReply } from "../review/render-notices.js";

/** Answers a `/codex review` that found nothing new, once per command comment (a retried job finds its marker). */
export async function answerNothingNew(github: GithubClient, ref: PullRequestRef, commentId: number, requestedBy: string | null, since: string): Promise<void> {
  if (await pullHasCommentWith(github, ref, nothingNewMarker(commentId))) return;
  await commentOnPullRequest(github, ref, renderNothingNewReply(requestedBy, since, commentId), { once: true });
}
