import type { Logger } from "pino";
import { reactToComment, type Reaction } from "./conversation.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "./github-client.js";

/**
 * Answers that mean the reaction cannot land (the comment was deleted: 404/410, or GitHub refused it: 422)
 * or GitHub is having trouble (5xx, already retried by Octokit). A reaction only acknowledges a command,
 * so none of them may fail the review or the command it acknowledges.
 */
function isIgnorable(status: number | null): boolean {
  return status === 404 || status === 410 || status === 422 || (status !== null && status >= 500);
}

/** Reacts to a PR comment; a reaction that cannot be placed is logged and skipped. */
export async function reactBestEffort(
  client: GithubClient,
  ref: Omit<PullRequestRef, "pullNumber">,
  commentId: number,
  content: Reaction,
  log: Pick<Logger, "warn">,
): Promise<void> {
  try {
    await reactToComment(client, ref, commentId, content);
  } catch (error) {
    const status = httpStatusOf(error);
    if (!isIgnorable(status)) throw error;
    log.warn({ commentId, content, status }, "Could not react to the comment; going on without the reaction");
  }
}
