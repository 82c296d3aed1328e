import { z } from "zod";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "./github-client.js";
import { isOwnReviewAuthor } from "./own-review-author.js";

const IssueComment = z.object({
  id: z.number(),
  body: z.string().nullable().optional(),
  user: z.object({ login: z.string() }).nullable().optional(),
});
export type IssueComment = z.infer<typeof IssueComment>;

/**
 * Whether the app already posted a comment on the PR containing `marker` (so a notice is posted once).
 * Only `ownLogin`'s comments count (see isOwnReviewAuthor): anyone can paste a marker to silence a notice.
 */
export async function pullHasCommentWith(client: GithubClient, ref: PullRequestRef, marker: string, ownLogin: string | null): Promise<boolean> {
  for (let page = 1; ; page++) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: ref.owner,
      repo: ref.repo,
      issue_number: ref.pullNumber,
      per_page: 100,
      page,
    });
    const comments = z.array(IssueComment).parse(data);
    if (comments.some((comment) => isOwnReviewAuthor(comment.user?.login, ownLogin) && comment.body?.includes(marker))) return true;
    if (comments.length < 100) return false;
  }
}

/** One PR (issue) comment by id; null when it was deleted (404). */
export async function getIssueComment(client: GithubClient, ref: Omit<PullRequestRef, "pullNumber">, commentId: number): Promise<IssueComment | null> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: ref.owner, repo: ref.repo, comment_id: commentId });
    return IssueComment.parse(data);
  } catch (error) {
    if (httpStatusOf(error) === 404) return null;
    throw error;
  }
}

/** Replaces a comment's body; false when GitHub has no such comment any more (someone deleted it). */
export async function editIssueComment(client: GithubClient, ref: Omit<PullRequestRef, "pullNumber">, commentId: number, body: string): Promise<boolean> {
  try {
    await client.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: ref.owner, repo: ref.repo, comment_id: commentId, body });
    return true;
  } catch (error) {
    if (httpStatusOf(error) === 404) return false;
    throw error;
  }
}
