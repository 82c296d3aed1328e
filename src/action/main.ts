// The GitHub Action's entry (action.yml): one review job of the App's pipeline, on the workflow's token,
// for the event that started the workflow. No Redis: nothing is queued, paused or budgeted across runs.
import { randomUUID } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { pino } from "pino";
import { readAppEnv } from "../config/env.js";
import { createTokenClient } from "../cli/create-token-client.js";
import { explainCliError } from "../cli/explain-cli-error.js";
import { createHumanLogStream } from "../cli/human-log-stream.js";
import { httpStatusOf } from "../github/github-client.js";
import { NEVER_PAUSED } from "../queue/pause-store.js";
import { REDACTED_PATHS } from "../process/create-logger.js";
import { createModelFromEnv, MISSING_AIMLAPI_KEY } from "../process/create-reviewer-from-env.js";
import { reviewSettingsFromEnv } from "../process/review-settings-from-env.js";
import { snapshotCacheFromEnv } from "../process/snapshot-cache-from-env.js";
import { reviewPullRequest } from "../worker/review-pull-request.js";
import { jobFromActionEvent } from "./job-from-action-event.js";
import { renderJobSummary } from "./render-job-summary.js";
import { appEnvOfStep, readRunnerEnv, type RunnerEnv } from "./runner-env.js";
import { errorAnnotation, formatStepOutputs, noticeAnnotation } from "./step-files.js";
import { actionOutputsOf, summariseIgnoredEvent, summariseActionRun, type ActionRun } from "./summarise-action-run.js";

/** The identity of the workflow's own token: its reviews are `github-actions[bot]`'s. */
const WORKFLOW_TOKEN_SLUG = "github-actions";

const PERMISSIONS_HINT =
  "The job needs `permissions:` contents: read, pull-requests: write, issues: write and checks: write; a pull_request from a fork gets a read-only token (review it with `/codex review`, see the README).";

async function run(): Promise<ActionRun> {
  const runner = readRunnerEnv(process.env);
  const env = readAppEnv(appEnvOfStep(process.env));
  const log = pino(
    { level: env.LOG_LEVEL, name: "codex-review-action", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    createHumanLogStream(process.stdout),
  );
  const appSlug = env.APP_SLUG ?? WORKFLOW_TOKEN_SLUG;
  const payload = JSON.parse(await readFile(runner.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
  const deliveryId = runner.GITHUB_RUN_ID ? `actions-run-${runner.GITHUB_RUN_ID}-${runner.GITHUB_RUN_ATTEMPT ?? "1"}` : null;
  const decision = jobFromActionEvent(runner.GITHUB_EVENT_NAME, payload, appSlug, deliveryId);
  if ("skip" in decision) return summariseIgnoredEvent(decision.skip);
  const { job } = decision;
  const ref = { owner: job.owner, repo: job.repo, pullNumber: job.pullNumber };
  // Secrets are not given to workflows run for a fork's pull request: say so rather than only "not set".
  if (!env.AIMLAPI_KEY) throw new Error(`${MISSING_AIMLAPI_KEY} In the workflow: \`aimlapi-key: \${{ secrets.AIMLAPI_KEY }}\`; a fork's pull_request run gets no secrets.`);
  if (!env.GITHUB_TOKEN) throw new Error("github-token is empty: leave the input at its default (the workflow's token) or pass one.");

  const github = createTokenClient({ token: env.GITHUB_TOKEN, baseUrl: runner.GITHUB_API_URL, log });
  const { reviewer, fixChecker } = createModelFromEnv(env, log);
  const repository = snapshotCacheFromEnv(env, log);
  log.info({ event: runner.GITHUB_EVENT_NAME, pull: `${ref.owner}/${ref.repo}#${ref.pullNumber}`, trigger: job.trigger, mode: job.mode }, "Reviewing the pull request");
  try {
    const outcome = await reviewPullRequest(job, {
      github,
      reviewer,
      settings: reviewSettingsFromEnv(env),
      pauses: NEVER_PAUSED,
      appSlug,
      log,
      repository,
      githubWebUrl: runner.GITHUB_SERVER_URL,
      ...(fixChecker ? { fixChecker } : {}),
    });
    return summariseActionRun(outcome, ref, runner.GITHUB_SERVER_URL);
  } catch (error) {
    const explained = explainCliError(error, { ref, githubBaseUrl: runner.GITHUB_API_URL });
    throw new Error(httpStatusOf(error) === 403 ? `${explained} ${PERMISSIONS_HINT}` : explained, { cause: error });
  } finally {
    await repository.stop();
  }
}

/** Outputs and job summary, where the runner asked for them. */
async function report(result: ActionRun, runner: Partial<RunnerEnv>): Promise<void> {
  if (runner.GITHUB_OUTPUT) await appendFile(runner.GITHUB_OUTPUT, formatStepOutputs(actionOutputsOf(result), `codex_review_${randomUUID()}`));
  if (runner.GITHUB_STEP_SUMMARY) await appendFile(runner.GITHUB_STEP_SUMMARY, renderJobSummary(result));
}

try {
  const result = await run();
  await report(result, { GITHUB_OUTPUT: process.env.GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: process.env.GITHUB_STEP_SUMMARY });
  const line = result.status === "posted" ? `codex-review posted a review: ${result.reviewUrl}` : `codex-review posted no review: ${result.skippedReason ?? result.status}`;
  process.stdout.write(result.status === "refused" ? noticeAnnotation(line) : `${line}\n`);
} catch (error) {
  process.stdout.write(errorAnnotation(`codex-review failed: ${explainCliError(error, {})}`));
  process.exitCode = 1;
}
