import type { Logger } from "pino";
import { commentOnPullRequest, reactToComment } from "../github/conversation.js";
import { reactBestEffort } from "../github/react-best-effort.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import { getIssueComment, pullHasCommentWith } from "../github/issue-comments.js";
import { appBotLogin } from "../github/own-review-author.js";
import { loadReviewContext } from "../github/review-context.js";
import type { ThreadResponder } from "../llm/thread-responder.js";
import type { CommandJobData } from "../queue/review-job.js";
import type { RepositoryOpener } from "../repository/repository-reader.js";
import { NO_ACCESS_REPLY, renderAskUsage } from "../review/render-notices.js";
import { answerMarker, renderQuestionAnswer } from "../review/render-thread-answer.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { parseQuestion } from "../webhooks/parse-command.js";
import { BudgetExhausted, chargeReviewBudget, type ReviewBudgetGate } from "./charge-review-budget.js";
import { answerToolsFor, describeToolUse, openAnswerRepository } from "./answer-tools.js";
import { mayRunCommands } from "./may-run-commands.js";
import { resolveRepoSettings } from "./pull-request-context.js";
import { buildAskPrompt } from "./question-context.js";
import type { ReviewOutcome } from "./review-outcome.js";

export interface QuestionDependencies {
  github: GithubClient;
  responder: ThreadResponder;
  /** Env defaults; the repository's config is laid over them, as for reviews. */
  settings: ReviewSettings;
  appSlug: string;
  log: Logger;
  /** The repository request budget, charged right before the model call; none means unlimited. */
  budget?: ReviewBudgetGate;
  /** The repository at the PR's head, for the model's tools in `agentic` mode; none means the diff alone. */
  repository?: RepositoryOpener;
}

/**
 * `/codex ask <question>`: one answer, in one PR comment carrying the answer marker. The question is read
 * from the comment by id; a retry that finds the marker (or a refusal or usage reply with it) stops.
 * Write access is checked before anything that costs a model call.
 */
export async function answerQuestion(job: CommandJobData, deps: QuestionDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
  const marker = answerMarker(job.commentId);
  const comment = await getIssueComment(github, ref, job.commentId);
  const question = comment ? parseQuestion(comment.body, deps.appSlug) : null;
  if (question === null) return { status: "skipped", reason: comment ? "the comment no longer asks a question" : "the question was deleted" };
  // The answer, the usage or the refusal is there already: a retry or a second delivery stops here.
  if (await pullHasCommentWith(github, ref, marker, appBotLogin(deps.appSlug))) return { status: "done", action: "already answered" };
  if (!question) {
    await commentOnPullRequest(github, ref, renderAskUsage(job.requestedBy, marker), { once: true });
    await reactBestEffort(github, ref, job.commentId, "confused", log);
    return { status: "done", action: "answered an empty question with the usage" };
  }
  if (!(await mayRunCommands(github, ref, job.requestedBy))) {
    await commentOnPullRequest(github, ref, `@${job.requestedBy} ${NO_ACCESS_REPLY}\n\n${marker}`, { once: true });
    return { status: "refused", reason: "requester lacks write access" };
  }
  await reactBestEffort(github, ref, job.commentId, "eyes", log);
  try {
    const outcome = await answer(job, ref, question, deps);
    // Not answered (the repository turned the app off): 😕 rather than a 👀 that never ends.
    await reactBestEffort(github, ref, job.commentId, outcome.status === "done" ? "+1" : "confused", log);
    return outcome;
  } catch (error) {
    // A question waiting for budget has not failed: its 👀 stays until it runs.
    if (!(error instanceof BudgetExhausted)) {
      await reactToComment(github, ref, job.commentId, "confused").catch((reactionError: unknown) => log.warn({ err: reactionError }, "Could not react to the question"));
    }
    throw error;
  }
}

async function answer(job: CommandJobData, ref: PullRequestRef, question: string, deps: QuestionDependencies): Promise<ReviewOutcome> {
  const { github, log } = deps;
  // The answer speaks as the reviews do: the repository's language, guidance and effort.
  const context = await loadReviewContext(github, ref, appBotLogin(deps.appSlug));
  const { config, settings } = await resolveRepoSettings(github, ref, context.files, deps.settings, log, deps.appSlug);
  if (!config.enabled) return { status: "skipped", reason: "disabled by the repository's config" };
  const reader = await openAnswerRepository(deps.repository, github, { owner: job.owner, repo: job.repo, pr: context.pr }, settings, log);
  try {
    const { prompt, filesLeftOut } = await buildAskPrompt(github, ref, { pr: context.pr, question, askedBy: job.requestedBy, settings, tools: reader !== null }, log);
    const tools = reader ? answerToolsFor(reader, settings, prompt) : null;
    await chargeReviewBudget(deps.budget, job);
    const { text, cutOff, usage } = await deps.responder.answer(prompt, { reasoningEffort: settings.reasoningEffort, ...(tools ? { tools } : {}) });
    await commentOnPullRequest(github, ref, renderQuestionAnswer({ askedBy: job.requestedBy, text, cutOff, filesLeftOut, commentId: job.commentId }), { once: true });
    log.info({ usage, cutOff, filesLeftOut, ...describeToolUse(tools) }, "Answered the question");
    return { status: "done", action: "answered the question" };
  } finally {
    // The snapshot cache may evict the tree again.
    await reader?.close?.();
  }
}
