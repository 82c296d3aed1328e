import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { listOwnInlineComments } from "../github/own-inline-comments.js";
import { findingsFromComments } from "../review/findings-from-comments.js";
import type { PullFinding } from "../review/pull-findings.js";

export interface PullFindingsRequest {
  github: GithubClient;
  ref: PullRequestRef;
  /** The head the job reviewed (or found reviewed). */
  headSha: string;
  /** The App's bot login: only its comments are findings. */
  ownLogin: string;
  /** The review this job posted and its findings (inline, and placed in the body); null when it posted none. */
  posted: PostedFindings | null;
}

/**
 * The seam through which a job learns the PR's findings at the reviewed head (open, fixed, dismissed):
 * the check run and the summary comment judge and list them. The thread lifecycle's reader (review
 * threads, their markers and resolutions) plugs in here through ReviewDependencies.readPullFindings.
 */
export interface PostedFindings {
  reviewId: number;
  inline: readonly PullFinding[];
  body: readonly PullFinding[];
}

export type ReadPullFindings = (request: PullFindingsRequest) => Promise<PullFinding[]>;

/**
 * INTERIM default, until the thread lifecycle's reader replaces it: the app's inline comments on the PR
 * (one REST read, after the review is posted, so this review's are among them, with their links) plus
 * this review's findings in the body, all taken as open. When GitHub refused the line comments and the
 * review went out with every finding in its body, its inline findings are taken from the job itself.
 */
export const readFindingsFromOwnComments: ReadPullFindings = async ({ github, ref, ownLogin, posted }) => {
  const comments = await listOwnInlineComments(github, ref, ownLogin);
  const postedInline = posted !== null && comments.some((comment) => comment.reviewId === posted.reviewId);
  return [...findingsFromComments(comments), ...(posted && !postedInline ? posted.inline : []), ...(posted?.body ?? [])];
};
