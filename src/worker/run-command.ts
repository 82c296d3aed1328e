import type { Logger } from "pino";
import { commentOnPullRequest } from "../github/conversation.js";
import { reactBestEffort } from "../github/react-best-effort.js";
import type { GithubClient, PullRequestRef } from "../github/github-client.js";
import type { PauseStore } from "../queue/pause-store.js";
import { COMMANDS_NEEDING_WRITE, type CommandJobData } from "../queue/review-job.js";
import { NO_ACCESS_REPLY, renderHelp } from "../review/render-notices.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { mayRunCommands } from "./may-run-commands.js";
import { appBotLogin } from "../github/own-review-author.js";
import { loadReviewContext } from "../github/review-context.js";
import { resolveRepoSettings } from "./pull-request-context.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { resolveAllThreads } from "./resolve-all-threads.js";

export interface CommandDependencies {
  github: GithubClient;
  settings: ReviewSettings;
  pauses: PauseStore;
  appSlug: string;
  log: Logger;
}

/** `/codex pause|resume|resolve|help` and unknown commands (answered with the help). */
export async function runCommand(job: CommandJobData, deps: CommandDependencies): Promise<ReviewOutcome> {
  const { github } = deps;
  const ref: PullRequestRef = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
  if (COMMANDS_NEEDING_WRITE.has(job.command) && !(await mayRunCommands(github, ref, job.requestedBy))) {
    await commentOnPullRequest(github, ref, `@${job.requestedBy} ${NO_ACCESS_REPLY}`);
    return { status: "refused", reason: "requester lacks write access" };
  }
  await reactBestEffort(github, ref, job.commentId, "eyes", deps.log);
  switch (job.command) {
    case "pause":
    case "resume":
      await deps.pauses.setPaused(job, job.command === "pause");
      await reactBestEffort(github, ref, job.commentId, "+1", deps.log);
      return { status: "done", action: job.command === "pause" ? "paused automatic reviews" : "resumed automatic reviews" };
    case "resolve":
      return resolveAllThreads(job, ref, deps);
    default: {
      const { files } = await loadReviewContext(github, ref, appBotLogin(deps.appSlug));
      const { config, source, settings } = await resolveRepoSettings(github, ref, files, deps.settings, deps.log, deps.appSlug);
      const unknown = job.command === "help" ? null : job.command;
      await commentOnPullRequest(github, ref, renderHelp(deps.appSlug, config, source, await deps.pauses.isPaused(job), unknown, settings));
      await reactBestEffort(github, ref, job.commentId, unknown ? "confused" : "+1", deps.log);
      return { status: "done", action: unknown ? `answered unknown command ${unknown} with the help` : "posted the help" };
    }
  }
}
