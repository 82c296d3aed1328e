import type { Logger } from "pino";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { appBotLogin, isOwnReviewAuthor } from "../github/own-review-author.js";
import { getReviewComment, listThread, replyInThread } from "../github/review-comments.js";
import { loadReviewContext } from "../github/review-context.js";
import type { ThreadResponder } from "../llm/thread-responder.js";
import type { ReplyJobData } from "../queue/review-job.js";
import type { RepositoryOpener } from "../repository/repository-reader.js";
import { buildThreadPrompt } from "../review/build-thread-prompt.js";
import { NO_ACCESS_REPLY } from "../review/render-notices.js";
import { answerMarker, renderThreadAnswer } from "../review/render-thread-answer.js";
import { repositoryGuidanceFor } from "../review/repository-guidance.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { chargeReviewBudget, type ReviewBudgetGate } from "./charge-review-budget.js";
import { answerToolsFor, describeToolUse, openAnswerRepository } from "./answer-tools.js";
import { mayRunCommands } from "./may-run-commands.js";
import { resolveRepoSettings } from "./pull-request-context.js";
import type { ReviewOutcome } from "./review-outcome.js";

export interface ThreadDependencies {
  github: GithubClient;
  responder: ThreadResponder;
  /** Env defaults; the repository's config is laid over them, as for reviews. */
  settings: ReviewSettings;
  appSlug: string;
  log: Logger;
  budget?: ReviewBudgetGate;
  /** The repository at the PR's head, for the model's tools in `agentic` mode; none means the thread alone. */
  repository?: RepositoryOpener;
}

/** Answers a reply in one of the app's review threads, in that thread, with the thread as context. */
export async function answerThread(job: ReplyJobData, deps: ThreadDependencies): Promise<ReviewOutcome> {
  const { github } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
  const question = await getReviewComment(github, ref, job.commentId);
  const rootId = question.in_reply_to_id ?? question.id;
  const thread = await listThread(github, ref, rootId);
  const root = thread[0];
  const appLogin = appBotLogin(deps.appSlug);
  if (!root || root.id !== rootId || !isOwnReviewAuthor(root.user?.login, appLogin)) return { status: "skipped", reason: "the thread is not one of the app's" };
  // A retry after the answer was posted finds it and stops.
  if (thread.some((comment) => isOwnReviewAuthor(comment.user?.login, appLogin) && comment.body.includes(answerMarker(job.commentId)))) return { status: "done", action: "already answered" };

  if (!(await mayRunCommands(github, ref, job.requestedBy))) {
    await replyInThread(github, ref, rootId, `@${job.requestedBy} ${NO_ACCESS_REPLY}\n${answerMarker(job.commentId)}`);
    return { status: "refused", reason: "requester lacks write access" };
  }
  // The answer speaks as the review did: the repository's language, guidance and effort.
  const context = await loadReviewContext(github, ref, appLogin);
  const { config, settings } = await resolveRepoSettings(github, ref, context.files, deps.settings, deps.log, deps.appSlug);
  if (!config.enabled) return { status: "skipped", reason: "disabled by the repository's config" };
  const upToQuestion = thread.filter((comment) => comment.id <= job.commentId);
  const reader = await openAnswerRepository(deps.repository, github, { owner: job.owner, repo: job.repo, pr: context.pr }, settings, deps.log);
  try {
    const prompt = buildThreadPrompt({
      path: root.path,
      diffHunk: root.diff_hunk,
      messages: upToQuestion.map((comment) => ({ author: comment.user?.login ?? "ghost", fromApp: isOwnReviewAuthor(comment.user?.login, appLogin), body: comment.body })),
      language: settings.language,
      instructions: repositoryGuidanceFor([root.path], settings),
      tools: reader !== null,
    });
    const tools = reader ? answerToolsFor(reader, settings, prompt) : null;
    await chargeReviewBudget(deps.budget, job);
    const { text, cutOff, usage } = await deps.responder.answer(prompt, { reasoningEffort: settings.reasoningEffort, ...(tools ? { tools } : {}) });
    await replyInThread(github, ref, rootId, `${renderThreadAnswer(text, cutOff)}\n\n${answerMarker(job.commentId)}`);
    deps.log.info({ usage, cutOff, ...describeToolUse(tools) }, "Answered in the review thread");
    return { status: "done", action: "answered in the thread" };
  } finally {
    // The snapshot cache may evict the tree again.
    await reader?.close?.();
  }
}
