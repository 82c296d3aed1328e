import type { Logger } from "pino";
import type { CheckConclusion, CheckOutput } from "../github/check-runs.js";
import type { GithubClient } from "../github/github-client.js";
import type { ChunkReviewer } from "../llm/chunk-reviewer.js";
import type { FixChecker } from "../llm/fix-checker.js";
import type { ThreadResponder } from "../llm/thread-responder.js";
import { enqueueCheckRunCompletion, type CheckRunCompletionQueue } from "../queue/check-run-completions.js";
import type { LatestPushes } from "../queue/latest-pushed-head.js";
import type { PauseStore } from "../queue/pause-store.js";
import type { NewestHeadRequeue } from "../queue/requeue-newest-head.js";
import type { JobData } from "../queue/review-job.js";
import type { RepositoryOpener } from "../repository/repository-reader.js";
import type { ReviewSettings } from "../review/review-settings.js";
import { answerQuestion } from "./answer-question.js";
import { answerThread } from "./answer-thread.js";
import { settleWaitingJob, type ReviewBudgetGate } from "./charge-review-budget.js";
import { reviewPullRequest } from "./review-pull-request.js";
import type { ReviewOutcome } from "./review-outcome.js";
import { runCommand } from "./run-command.js";
import type { PullStateServices } from "./publish-pull-state.js";

/** Everything a job may need besides its data; the GitHub client is the job's installation's. */
export interface JobServices {
  reviewer: ChunkReviewer;
  responder: ThreadResponder;
  /** Resolves fixed findings' threads on new heads; none (REVIEW_RESOLVE_FIXED=false, CLI) means no fix check. */
  fixChecker?: FixChecker;
  settings: ReviewSettings;
  pauses: PauseStore;
  appSlug: string;
  /** The repository review budget; none (CLI, some tests) means unlimited. */
  budget?: ReviewBudgetGate;
  /** Web host of the GitHub the app talks to, for permalinks in review bodies; see ReviewDependencies. */
  githubWebUrl?: string;
  /** The repository snapshot cache, for reviews and answers; none means they read the diff alone. */
  repository?: RepositoryOpener;
  /** The summary comments' ids and creation claims, and the findings' last states (Redis); see publish-pull-state.ts. */
  pullState?: Pick<PullStateServices, "summaryClaims" | "findingLedger">;
  /** Where reviews leave their check-run completion; none means the review job completes the run itself. */
  checkRunCompletions?: CheckRunCompletionQueue;
  /** The PRs' latest pushes as ingest recorded them; none means a review asks GitHub whether its head moved. */
  latestPushes?: LatestPushes;
  /** Queues the current head's review when an automatic one finds its head moved with no later push delivered. */
  newestHead?: NewestHeadRequeue;
}

/** What the worker knows about this run of the job. */
export interface JobRun {
  /** BullMQ's attemptsStarted is 1: no earlier run of this job existed. */
  firstAttempt: boolean;
}

/** Sends a job to the code that handles its kind. */
export async function runJob(data: JobData, github: GithubClient, services: JobServices, log: Logger, run: JobRun = { firstAttempt: false }): Promise<ReviewOutcome> {
  const outcome = await dispatchJob(data, github, services, log, run);
  await settleWaitingJob(services.budget, data, github, outcome);
  if (data.kind === "review" && outcome.status === "superseded") await services.newestHead?.requeue(data, outcome.currentHeadSha, log);
  return outcome;
}

function dispatchJob(data: JobData, github: GithubClient, services: JobServices, log: Logger, run: JobRun): Promise<ReviewOutcome> {
  const { budget, repository, fixChecker, checkRunCompletions: completions } = services;
  const answering = { github, responder: services.responder, settings: services.settings, appSlug: services.appSlug, log, ...(budget ? { budget } : {}), ...(repository ? { repository } : {}) };
  switch (data.kind) {
    case "review": {
      const { installationId, owner, repo } = data;
      const deferCheckRunCompletion = completions
        ? (checkRunId: number, conclusion: CheckConclusion, output: CheckOutput) =>
            enqueueCheckRunCompletion(completions, { installationId, owner, repo, checkRunId, conclusion, output })
        : undefined;
      return reviewPullRequest(data, {
        github,
        reviewer: services.reviewer,
        settings: services.settings,
        pauses: services.pauses,
        log,
        appSlug: services.appSlug,
        firstAttempt: run.firstAttempt,
        ...(budget ? { budget } : {}),
        ...(deferCheckRunCompletion ? { deferCheckRunCompletion } : {}),
        ...(services.repository ? { repository: services.repository } : {}),
        ...(services.githubWebUrl ? { githubWebUrl: services.githubWebUrl } : {}),
        ...(fixChecker ? { fixChecker } : {}),
        ...(services.latestPushes ? { latestPushes: services.latestPushes } : {}),
        ...services.pullState,
      });
    }
    case "command":
      if (data.command === "ask") return answerQuestion(data, answering);
      return runCommand(data, { github, settings: services.settings, pauses: services.pauses, appSlug: services.appSlug, log });
    case "reply":
      return answerThread(data, answering);
  }
}
