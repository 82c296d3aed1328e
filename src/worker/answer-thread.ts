import type { Logger } from "pino";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { getReviewComment, listThread, replyInThread } from "../github/review-comments.js";
import type { ThreadResponder } from "../llm/thread-responder.js";
import type { ReplyJobData } from "../queue/review-job.js";
import { buildThreadPrompt } from "../review/build-thread-prompt.js";
import { NO_ACCESS_REPLY } from "../review/render-notices.js";
import { renderProse } from "../review/render-review.js";
import { chargeReviewBudget, type ReviewBudgetGate } from "./charge-review-budget.js";
import { mayRunCommands } from "./may-run-commands.js";
import type { ReviewOutcome } from "./review-outcome.js";

export interface ThreadDependencies {
  github: GithubClient;
  responder: ThreadResponder;
  appSlug: string;
  log: Logger;
  budget?: ReviewBudgetGate;
}

const answerMarker = (commentId: number) => `<!-- codex-review:answer-to=${commentId} -->`;

/** Answers a reply in one of the app's review threads, in that thread, with the thread as context. */
export async function answerThread(job: ReplyJobData, deps: ThreadDependencies): Promise<ReviewOutcome> {
  const { github } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
  const question = await getReviewComment(github, ref, job.commentId);
  const rootId = question.in_reply_to_id ?? question.id;
  const thread = await listThread(github, ref, rootId);
  const root = thread[0];
  const appLogin = `${deps.appSlug}[bot]`;
  if (!root || root.id !== rootId || root.user?.login !== appLogin) return { status: "skipped", reason: "the thread is not one of the app's" };
  // A retry after the answer was posted finds it and stops.
  if (thread.some((comment) => comment.body.includes(answerMarker(job.commentId)))) return { status: "done", action: "already answered" };

  if (!(await mayRunCommands(github, ref, job.requestedBy))) {
    await replyInThread(github, ref, rootId, `@${job.requestedBy} ${NO_ACCESS_REPLY}\n${answerMarker(job.commentId)}`);
    return { status: "refused", reason: "requester lacks write access" };
  }
  const upToQuestion = thread.filter((comment) => comment.id <= job.commentId);
  const prompt = buildThreadPrompt({
    path: root.path,
    diffHunk: root.diff_hunk,
    messages: upToQuestion.map((comment) => ({ author: comment.user?.login ?? "ghost", fromApp: comment.user?.login === appLogin, body: comment.body })),
  });
  await chargeReviewBudget(deps.budget, job);
  const { text, usage } = await deps.responder.answer(prompt);
  await replyInThread(github, ref, rootId, `${renderProse(text)}\n\n${answerMarker(job.commentId)}`);
  deps.log.info({ usage }, "Answered in the review thread");
  return { status: "done", action: "answered in the thread" };
}
