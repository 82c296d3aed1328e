// `codex-review review owner/repo#123 [--dry-run]` / `--diff file.patch`: one review, in this process, no Redis.
import { pino } from "pino";
import { githubBaseUrl, readAppEnv } from "../config/env.js";
import { REDACTED_PATHS } from "../process/create-logger.js";
import { createReviewerFromEnv } from "../process/create-reviewer-from-env.js";
import { reviewSettingsFromEnv } from "../process/review-settings-from-env.js";
import { snapshotCacheFromEnv } from "../process/snapshot-cache-from-env.js";
import { createCliProgress } from "./cli-progress.js";
import { createTokenClient } from "./create-token-client.js";
import { explainCliError } from "./explain-cli-error.js";
import { createHumanLogStream } from "./human-log-stream.js";
import { CliUsageError, parseCliArgs, USAGE, type CliCommand } from "./parse-cli-args.js";
import { runDiffFileReview, runPullRequestReview } from "./run-review.js";

async function run(command: Exclude<CliCommand, { kind: "help" }>): Promise<void> {
  const env = readAppEnv();
  // The CLI's stdout is the review; logs go to stderr, and only warnings unless LOG_LEVEL asks for more.
  // They read as short lines like the progress around them; LOG_LEVEL=debug or trace (someone digging
  // into a problem) gets the full JSON records instead.
  const level = process.env.LOG_LEVEL ? env.LOG_LEVEL : "warn";
  const json = level === "debug" || level === "trace";
  const log = pino(
    { level, name: "codex-review-cli", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    json ? pino.destination(2) : createHumanLogStream(process.stderr),
  );
  const deps = {
    reviewer: createReviewerFromEnv(env, log),
    settings: reviewSettingsFromEnv(env),
    log,
    progress: createCliProgress(process.stderr),
    out: (text: string) => process.stdout.write(text),
  };
  if (command.kind === "review-diff-file") {
    await runDiffFileReview(command.diffPath, { title: command.title }, deps);
    return;
  }
  if (!env.GITHUB_TOKEN) throw new Error("GITHUB_TOKEN is not set: the CLI reads the pull request with your token (or use --diff file.patch).");
  const baseUrl = githubBaseUrl(env);
  try {
    const github = createTokenClient({ token: env.GITHUB_TOKEN, baseUrl, log });
    const repository = snapshotCacheFromEnv(env, log);
    await runPullRequestReview(command.ref, { dryRun: command.dryRun }, { ...deps, github, repository }).finally(() => repository.stop());
  } catch (error) {
    deps.progress.finish();
    throw new Error(explainCliError(error, { ref: command.ref, githubBaseUrl: baseUrl }), { cause: error });
  }
}

let command: CliCommand;
try {
  command = parseCliArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliUsageError)) throw error;
  process.stderr.write(`codex-review: ${error.message}\n\n${USAGE}\n`);
  process.exit(1);
}
if (command.kind === "help") {
  process.stdout.write(`${USAGE}\n`);
} else {
  try {
    await run(command);
  } catch (error) {
    process.stderr.write(`codex-review: ${explainCliError(error, {})}\n`);
    process.exitCode = 1;
  }
}
