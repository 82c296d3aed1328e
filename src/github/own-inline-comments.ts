import { z } from "zod";
import type { OwnInlineComment } from "../review/findings-from-comments.js";
import type { GithubClient, PullRequestRef } from "./github-client.js";
import { isOwnReviewAuthor } from "./own-review-author.js";

const InlineComment = z.object({
  id: z.number(),
  body: z.string(),
  path: z.string(),
  line: z.number().nullable().optional(),
  original_commit_id: z.string(),
  html_url: z.string().nullable().optional(),
  in_reply_to_id: z.number().nullable().optional(),
  pull_request_review_id: z.number().nullable().optional(),
  user: z.object({ login: z.string() }).nullable(),
});

/** The first comment of each review thread `ownLogin` started on the PR (replies left out), page by page. */
export async function listOwnInlineComments(client: GithubClient, ref: PullRequestRef, ownLogin: string): Promise<OwnInlineComment[]> {
  const own: OwnInlineComment[] = [];
  for (let page = 1; ; page++) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: 100,
      page,
    });
    const comments = z.array(InlineComment).parse(data);
    for (const comment of comments) {
      if (comment.in_reply_to_id || !isOwnReviewAuthor(comment.user?.login, ownLogin)) continue;
      own.push({ id: comment.id, reviewId: comment.pull_request_review_id ?? null, body: comment.body, path: comment.path, line: comment.line ?? null, commitId: comment.original_commit_id, url: comment.html_url ?? null });
    }
    if (comments.length < 100) return own;
  }
}
