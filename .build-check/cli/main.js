// `codex-review review owner/repo#123 [--dry-run]` / `--diff file.patch`: one review, in this process, no Redis.
import { pino } from "pino";
import { githubBaseUrl, readAppEnv } from "../config/env.js";
import { REDACTED_PATHS } from "../process/create-logger.js";
import { createReviewerFromEnv } from "../process/create-reviewer-from-env.js";
import { reviewSettingsFromEnv } from "../process/review-settings-from-env.js";
import { createCliProgress } from "./cli-progress.js";
import { createTokenClient } from "./create-token-client.js";
import { explainCliError } from "./explain-cli-error.js";
import { CliUsageError, parseCliArgs, USAGE } from "./parse-cli-args.js";
import { runDiffFileReview, runPullRequestReview } from "./run-review.js";
async function run(command) {
    const env = readAppEnv();
    // The CLI's stdout is the review; logs go to stderr, and only warnings unless LOG_LEVEL asks for more.
    const log = pino({ level: process.env.LOG_LEVEL ? env.LOG_LEVEL : "warn", name: "codex-review-cli", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, pino.destination(2));
    const deps = {
        reviewer: createReviewerFromEnv(env, log),
        settings: reviewSettingsFromEnv(env),
        log,
        progress: createCliProgress(process.stderr),
        out: (text) => process.stdout.write(text),
    };
    if (command.kind === "review-diff-file") {
        await runDiffFileReview(command.diffPath, { title: command.title }, deps);
        return;
    }
    if (!env.GITHUB_TOKEN)
        throw new Error("GITHUB_TOKEN is not set: the CLI reads the pull request with your token (or use --diff file.patch).");
    const baseUrl = githubBaseUrl(env);
    try {
        const github = createTokenClient({ token: env.GITHUB_TOKEN, baseUrl, log });
        await runPullRequestReview(command.ref, { dryRun: command.dryRun }, { ...deps, github });
    }
    catch (error) {
        deps.progress.finish();
        throw new Error(explainCliError(error, { ref: command.ref, githubBaseUrl: baseUrl }), { cause: error });
    }
}
let command;
try {
    command = parseCliArgs(process.argv.slice(2));
}
catch (error) {
    if (!(error instanceof CliUsageError))
        throw error;
    process.stderr.write(`codex-review: ${error.message}\n\n${USAGE}\n`);
    process.exit(1);
}
if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
}
else {
    try {
        await run(command);
    }
    catch (error) {
        process.stderr.write(`codex-review: ${explainCliError(error, {})}\n`);
        process.exitCode = 1;
    }
}
