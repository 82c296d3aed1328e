import { commentOnPullRequest } from "../github/conversation.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { pullHasCommentWith } from "../github/issue-comments.js";
import { appBotLogin } from "../github/own-review-author.js";
import { nothingNewMarker, renderNothingNewReply } from "../review/render-notices.js";

/** Answers a `/codex review` that found nothing new, once per command comment (a retried job finds its marker). */
export async function answerNothingNew(
  github: GithubClient,
  ref: PullRequestRef,
  appSlug: string,
  command: { commentId: number; requestedBy: string | null },
  since: string,
): Promise<void> {
  const { commentId, requestedBy } = command;
  if (await pullHasCommentWith(github, ref, nothingNewMarker(commentId), appBotLogin(appSlug))) return;
  await commentOnPullRequest(github, ref, renderNothingNewReply(requestedBy, since, commentId), { once: true });
}
